package dev.adlake.spark.ingestion.enrich;

import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.spark.ingestion.enrich.EventFailure.Stage;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Turns one Kafka record of an {@code ingested-<source>} topic into a row of the events table (a
 * row of the mappings table for {@value StreamTopics#MAPPING}), or into a row of the failed-events
 * table that keeps the payload, the stage and the reason. Rows are Iceberg records of the tables'
 * own schemas, which the task writes to Parquet and as JSON. Not thread-safe: one per task.
 */
final class EventEnricher {
  private static final Map<String, GeoLocator> LOCATORS = new ConcurrentHashMap<>();

  /** The table a record's row belongs to. */
  enum Output {
    EVENT,
    MAPPING,
    FAILED
  }

  /**
   * What one record became.
   *
   * @param row a row of the table of {@code output}
   * @param source the source of the record's topic
   * @param key the key of its output record: the event id, or the failed record's position
   */
  record Outcome(Record row, Output output, String source, String key) {
    boolean failed() {
      return output == Output.FAILED;
    }
  }

  private final EnrichmentOptions options;
  private final String topicPrefix;
  private final Record eventTemplate;
  private final Record mappingTemplate;
  private final Record failedTemplate;
  private final EventDecoder decoder = new EventDecoder();
  private final GeoLocator locator;

  /**
   * @param topicPrefix what precedes {@code ingested-<source>} in topic names ("" normally)
   * @param eventSchema the events table's schema: the columns of {@link EventsTables#EVENT_SCHEMA}
   * @param mappingSchema the mappings table's: the columns of {@link EventsTables#MAPPING_SCHEMA}
   * @param failedSchema the failed-events table's: the columns of {@link
   *     EventsTables#FAILED_SCHEMA}
   */
  EventEnricher(
      EnrichmentOptions options,
      String topicPrefix,
      Schema eventSchema,
      Schema mappingSchema,
      Schema failedSchema) {
    this.options = options;
    this.topicPrefix = topicPrefix;
    this.eventTemplate = template(eventSchema, EventsTables.EVENT_SCHEMA.fieldNames());
    this.mappingTemplate = template(mappingSchema, EventsTables.MAPPING_SCHEMA.fieldNames());
    this.failedTemplate = template(failedSchema, EventsTables.FAILED_SCHEMA.fieldNames());
    this.locator =
        options.geo()
            ? LOCATORS.computeIfAbsent(
                options.geoDatabase() == null ? "" : options.geoDatabase(),
                path ->
                    GeoLocators.open(
                        path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path))))
            : null;
  }

  /** An empty row of the schema, which must hold the expected columns in order. */
  private static Record template(Schema schema, String[] expected) {
    String[] names = schema.columns().stream().map(Types.NestedField::name).toArray(String[]::new);
    if (!Arrays.equals(names, expected)) {
      throw new IllegalStateException(
          "The table's columns %s are not the enricher's %s: was the table changed by hand?"
              .formatted(Arrays.toString(names), Arrays.toString(expected)));
    }
    return GenericRecord.create(schema);
  }

  /**
   * Enriches one record.
   *
   * @param timestampMillis the record's Kafka timestamp
   */
  Outcome process(byte[] payload, String topic, int partition, long offset, long timestampMillis) {
    String source = sourceOf(topic);
    try {
      if (StreamTopics.MAPPING.equals(source)) {
        MappingEvent mapping = decoder.decodeMapping(payload);
        return new Outcome(
            mapping(mapping, topic, partition, offset, timestampMillis),
            Output.MAPPING,
            source,
            mapping.eventId());
      }
      SourceEvent event = decoder.decode(source, payload);
      return new Outcome(
          enrich(source, event, topic, partition, offset, timestampMillis),
          Output.EVENT,
          source,
          event.eventId());
    } catch (EventFailure failure) {
      Record row = failedTemplate.copy();
      row.set(0, source);
      row.set(1, failure.stage().label());
      row.set(2, failure.getMessage());
      row.set(3, payload == null ? null : ByteBuffer.wrap(payload));
      row.set(4, topic);
      row.set(5, partition);
      row.set(6, offset);
      row.set(7, time(timestampMillis));
      return new Outcome(row, Output.FAILED, source, position(topic, partition, offset));
    }
  }

  /**
   * A row of the mappings table. Our user id gets the events' pseudonym, so that mappings join with
   * the events' user ids; the partner's id is the partner's and is kept.
   */
  private Record mapping(
      MappingEvent event, String topic, int partition, long offset, long timestampMillis) {
    String userId = event.userId();
    if (options.pseudonymizer() != null) {
      userId = options.pseudonymizer().pseudonymize(userId);
    }
    Record row = mappingTemplate.copy();
    row.set(0, event.eventId());
    row.set(1, event.eventTime().atOffset(ZoneOffset.UTC));
    row.set(2, event.partner());
    row.set(3, event.partnerId());
    row.set(4, userId);
    row.set(5, event.region());
    row.set(6, event.origin());
    row.set(7, topic);
    row.set(8, partition);
    row.set(9, offset);
    row.set(10, time(timestampMillis));
    return row;
  }

  private Record enrich(
      String source,
      SourceEvent event,
      String topic,
      int partition,
      long offset,
      long timestampMillis) {
    InetAddress address;
    try {
      address = IpAddresses.parse("ip", event.ip());
    } catch (EnrichmentException e) {
      throw new EventFailure(Stage.VALIDATE, e.getMessage());
    }
    String pageField = EventDecoder.BID_REQUEST.equals(event.eventType()) ? "site_url" : "page_url";
    UrlParts page = options.urls() ? url(pageField, event.pageUrl()) : null;
    UrlParts referrer = options.urls() ? url("referrer", event.referrer()) : null;
    Geo geo = locator == null ? null : locator.locate(address).orElse(null);
    AgentFields agent = options.userAgent() ? UserAgents.parse(event.userAgent()) : null;
    String userId = event.userId();
    if (userId != null && options.pseudonymizer() != null) {
      userId = options.pseudonymizer().pseudonymize(userId);
    }
    Record row = eventTemplate.copy();
    row.set(0, source);
    row.set(1, event.eventId());
    row.set(2, event.eventType());
    row.set(3, time(event.eventTimeMillis()));
    row.set(4, userId);
    row.set(5, options.anonymizeIp() ? IpAddresses.anonymize(address) : event.ip());
    if (geo != null) {
      row.set(6, geo.country());
      row.set(7, geo.region());
      row.set(8, geo.city());
    }
    if (agent != null) {
      row.set(9, agent.deviceClass());
      row.set(10, agent.osName());
      row.set(11, agent.osVersion());
      row.set(12, agent.browserName());
      row.set(13, agent.browserVersion());
      row.set(14, agent.robot());
    }
    row.set(15, event.userAgent());
    row.set(16, event.pageUrl());
    if (page != null) {
      row.set(17, page.host());
      row.set(18, page.registrableDomain());
      row.set(19, page.path());
      row.set(20, page.utmSource());
      row.set(21, page.utmMedium());
      row.set(22, page.utmCampaign());
      row.set(23, page.utmTerm());
      row.set(24, page.utmContent());
    }
    row.set(25, event.referrer());
    if (referrer != null) {
      row.set(26, referrer.host());
      row.set(27, referrer.registrableDomain());
    }
    row.set(28, event.adSlot());
    row.set(29, event.floorPriceMicros());
    row.set(30, topic);
    row.set(31, partition);
    row.set(32, offset);
    row.set(33, time(timestampMillis));
    return row;
  }

  private static OffsetDateTime time(long millis) {
    return Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC);
  }

  private static UrlParts url(String field, String url) {
    if (url == null || url.isEmpty()) {
      return null;
    }
    try {
      return UrlParts.parse(field, url);
    } catch (EnrichmentException e) {
      throw new EventFailure(Stage.ENRICH, e.getMessage());
    }
  }

  private String sourceOf(String topic) {
    return StreamTopics.sourceOf(topic.substring(topicPrefix.length()));
  }

  /** A record's place in Kafka, {@code topic/partition/offset}: the key of a failed record. */
  static String position(String topic, int partition, long offset) {
    return topic + '/' + partition + '/' + offset;
  }
}
