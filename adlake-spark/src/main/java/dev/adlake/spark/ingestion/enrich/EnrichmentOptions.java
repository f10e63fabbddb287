package dev.adlake.spark.ingestion.enrich;

import dev.adlake.spark.common.Pseudonymizer;
import java.io.Serializable;

/**
 * Which enrichments the enricher applies, shipped to the tasks.
 *
 * @param geoDatabase a {@code .mmdb} or CSV of IP ranges; null for the shipped sample CSV
 * @param pseudonymizer keys user ids; null leaves them as sent
 */
public record EnrichmentOptions(
    boolean geo,
    String geoDatabase,
    boolean userAgent,
    boolean urls,
    boolean anonymizeIp,
    Pseudonymizer pseudonymizer)
    implements Serializable {}
