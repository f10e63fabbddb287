package dev.adlake.spark.enrich;

import dev.adlake.spark.enrich.EventFailure.Stage;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns Kafka records of {@code ingested-<source>} topics into enriched events, or into failed
 * events that keep the payload, the stage and the reason. Input rows are (value, topic, partition,
 * offset, timestamp); output rows follow {@link #OUTPUT}: the event columns, then the failure
 * columns (null for an event), then the key the stream deduplicates on.
 */
final class EventEnricher implements MapPartitionsFunction<Row, Row> {
  static final String STAGE = "stage";
  static final String DEDUPE_KEY = "dedupe_key";

  /** Every event column (nullable here, since failed rows lack them) and the failure columns. */
  static final StructType OUTPUT = output();

  private static final Map<String, GeoLocator> LOCATORS = new ConcurrentHashMap<>();

  private final EnrichmentOptions options;
  private final String topicPrefix;

  /**
   * @param topicPrefix what precedes {@code ingested-<source>} in topic names ("" normally)
   */
  EventEnricher(EnrichmentOptions options, String topicPrefix) {
    this.options = options;
    this.topicPrefix = topicPrefix;
  }

  private static StructType output() {
    List<StructField> fields = new ArrayList<>();
    for (StructField field : EventsTables.EVENT_SCHEMA.fields()) {
      fields.add(new StructField(field.name(), field.dataType(), true, Metadata.empty()));
    }
    fields.add(new StructField(STAGE, DataTypes.StringType, true, Metadata.empty()));
    fields.add(new StructField("reason", DataTypes.StringType, true, Metadata.empty()));
    fields.add(new StructField("payload", DataTypes.BinaryType, true, Metadata.empty()));
    fields.add(new StructField(DEDUPE_KEY, DataTypes.StringType, false, Metadata.empty()));
    return new StructType(fields.toArray(StructField[]::new));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> records) {
    Task task = new Task();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public Row next() {
        return task.process(records.next());
      }
    };
  }

  /** The per-task state: decoders are not thread-safe. */
  private final class Task {
    private final EventDecoder decoder = new EventDecoder();
    private final GeoLocator locator =
        options.geo()
            ? LOCATORS.computeIfAbsent(
                options.geoDatabase() == null ? "" : options.geoDatabase(),
                path ->
                    GeoLocators.open(
                        path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path))))
            : null;

    Row process(Row record) {
      byte[] payload = record.getAs(0);
      String topic = record.getString(1);
      int partition = record.getInt(2);
      long offset = record.getLong(3);
      Timestamp timestamp = record.getTimestamp(4);
      String source = sourceOf(topic);
      try {
        return enrich(source, decoder.decode(source, payload), topic, partition, offset, timestamp);
      } catch (EventFailure failure) {
        return failed(source, failure, payload, topic, partition, offset, timestamp);
      }
    }

    private Row enrich(
        String source,
        SourceEvent event,
        String topic,
        int partition,
        long offset,
        Timestamp timestamp) {
      InetAddress address;
      try {
        address = IpAddresses.parse("ip", event.ip());
      } catch (EnrichmentException e) {
        throw new EventFailure(Stage.VALIDATE, e.getMessage());
      }
      String pageField =
          EventDecoder.BID_REQUEST.equals(event.eventType()) ? "site_url" : "page_url";
      UrlParts page = options.urls() ? url(pageField, event.pageUrl()) : null;
      UrlParts referrer = options.urls() ? url("referrer", event.referrer()) : null;
      Geo geo = locator == null ? null : locator.locate(address).orElse(null);
      AgentFields agent = options.userAgent() ? UserAgents.parse(event.userAgent()) : null;
      String ip = options.anonymizeIp() ? IpAddresses.anonymize(address) : event.ip();
      String userId = event.userId();
      if (userId != null && options.pseudonymizer() != null) {
        userId = options.pseudonymizer().pseudonymize(userId);
      }
      return RowFactory.create(
          source,
          event.eventId(),
          event.eventType(),
          new Timestamp(event.eventTimeMillis()),
          userId,
          ip,
          geo == null ? null : geo.country(),
          geo == null ? null : geo.region(),
          geo == null ? null : geo.city(),
          agent == null ? null : agent.deviceClass(),
          agent == null ? null : agent.osName(),
          agent == null ? null : agent.osVersion(),
          agent == null ? null : agent.browserName(),
          agent == null ? null : agent.browserVersion(),
          agent == null ? null : agent.robot(),
          event.userAgent(),
          event.pageUrl(),
          page == null ? null : page.host(),
          page == null ? null : page.registrableDomain(),
          page == null ? null : page.path(),
          page == null ? null : page.utmSource(),
          page == null ? null : page.utmMedium(),
          page == null ? null : page.utmCampaign(),
          page == null ? null : page.utmTerm(),
          page == null ? null : page.utmContent(),
          event.referrer(),
          referrer == null ? null : referrer.host(),
          referrer == null ? null : referrer.registrableDomain(),
          event.adSlot(),
          event.floorPriceMicros(),
          topic,
          partition,
          offset,
          timestamp,
          null,
          null,
          null,
          source + '\u0000' + event.eventId());
    }

    private UrlParts url(String field, String url) {
      if (url == null || url.isEmpty()) {
        return null;
      }
      try {
        return UrlParts.parse(field, url);
      } catch (EnrichmentException e) {
        throw new EventFailure(Stage.ENRICH, e.getMessage());
      }
    }
  }

  private Row failed(
      String source,
      EventFailure failure,
      byte[] payload,
      String topic,
      int partition,
      long offset,
      Timestamp timestamp) {
    Object[] values = new Object[OUTPUT.size()];
    values[0] = source;
    int columns = EventsTables.EVENT_SCHEMA.size();
    values[columns - 4] = topic;
    values[columns - 3] = partition;
    values[columns - 2] = offset;
    values[columns - 1] = timestamp;
    values[columns] = failure.stage().label();
    values[columns + 1] = failure.getMessage();
    values[columns + 2] = payload;
    // A failed record is never a duplicate of another: its key is its position in the topic.
    values[columns + 3] = "\u0001" + topic + '/' + partition + '/' + offset;
    return RowFactory.create(values);
  }

  private String sourceOf(String topic) {
    return topic.substring(topicPrefix.length() + "ingested-".length());
  }
}
