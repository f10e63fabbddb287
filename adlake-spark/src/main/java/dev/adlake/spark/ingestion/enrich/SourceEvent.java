package dev.adlake.spark.ingestion.enrich;

/**
 * One event as a source sent it, decoded and validated but not yet enriched: the fields every
 * source shares, and the bid-request ones (null for other sources).
 *
 * @param eventTimeMillis event time, milliseconds since the epoch (UTC)
 */
record SourceEvent(
    String eventId,
    String eventType,
    long eventTimeMillis,
    String userId,
    String ip,
    String userAgent,
    String pageUrl,
    String referrer,
    String adSlot,
    Long floorPriceMicros) {}
