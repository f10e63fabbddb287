package dev.adlake.spark.ingestion.enrich;

import static dev.adlake.spark.ingestion.enrich.EnricherIT.assertFailure;
import static dev.adlake.spark.ingestion.enrich.EnricherIT.record;
import static dev.adlake.spark.ingestion.enrich.EnricherIT.records;
import static dev.adlake.spark.ingestion.enrich.EnricherIT.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.common.Pseudonymizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.junit.jupiter.api.Test;

/**
 * The enricher on {@code ingested-mapping} against the real broker and lake: cookie-sync mappings
 * go to the mappings table (not the events table) with our user id under the events' pseudonym, bad
 * ones to the failed events, and each mapping is in the lake once across a crash between the
 * tables' commits.
 */
class MappingEnricherIT {
  private static final Pseudonymizer PSEUDONYMIZER = new Pseudonymizer(EnricherIT.KEY);

  @Test
  void writesMappingsWithPseudonymousUserIdsAndKeepsFailuresWithReasons() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    String bootstrap = platform.kafkaBootstrapServers();
    String prefix = "mapping-known-";
    String mapping = prefix + StreamTopics.ingested(StreamTopics.MAPPING);
    String tracker = prefix + StreamTopics.ingested(StreamTopics.TRACKER);
    KafkaTopics.ensure(bootstrap, List.of(mapping, tracker), 1);

    String first =
        new MappingEvent(
                "m-1",
                Instant.parse("2026-11-23T10:15:00.250Z"),
                "partner-a",
                "PA-123",
                "u-1",
                "eu-west",
                MappingEvent.PIXEL)
            .toJson();
    String second =
        new MappingEvent(
                "m-2",
                Instant.parse("2026-11-24T08:00:00Z"),
                "partner_b",
                "b:9f8e",
                "u-2",
                "us-east",
                MappingEvent.BULK)
            .toJson();
    send(
        bootstrap,
        List.of(
            record(mapping, first),
            record(mapping, second),
            record(mapping, first), // re-sent: counted once
            record(
                mapping,
                "{\"event_id\":\"m-3\",\"event_time\":\"2026-11-23T10:00:00Z\","
                    + "\"partner\":\"partner-a\",\"user_id\":\"u-3\",\"region\":\"eu-west\","
                    + "\"origin\":\"pixel\"}"),
            record(mapping, first.replace("m-1", "m-4").replace("eu-west", "EU West")),
            record(mapping, "not json"),
            record(
                tracker,
                "{\"event_id\":\"e-1\",\"event_type\":\"page_view\","
                    + "\"event_time\":\"2026-11-23T10:14:00Z\",\"ip\":\"192.0.2.10\","
                    + "\"user_id\":\"u-1\"}")));

    EventsTables tables = new EventsTables("streams_mapping_known");
    EnricherStream.start(spark, settings(bootstrap, prefix, tables, "known")).awaitTermination();

    Map<String, Row> mappings = byEventId(spark.table(tables.mappings()).collectAsList());
    assertThat(mappings).containsOnlyKeys("m-1", "m-2");
    assertThat(spark.table(tables.mappings()).columns())
        .containsExactly(EventsTables.MAPPING_SCHEMA.fieldNames());
    Row pixel = mappings.get("m-1");
    assertThat(pixel.<Timestamp>getAs("event_time").toInstant())
        .isEqualTo(Instant.parse("2026-11-23T10:15:00.250Z"));
    assertThat(pixel.<String>getAs("partner")).isEqualTo("partner-a");
    assertThat(pixel.<String>getAs("partner_id")).isEqualTo("PA-123");
    assertThat(pixel.<String>getAs("user_id"))
        .isEqualTo(PSEUDONYMIZER.pseudonymize("u-1"))
        .isEqualTo(EnricherIT.hmac("u-1"));
    assertThat(pixel.<String>getAs("region")).isEqualTo("eu-west");
    assertThat(pixel.<String>getAs("origin")).isEqualTo("pixel");
    assertThat(pixel.<String>getAs("kafka_topic")).isEqualTo(mapping);
    assertThat(pixel.<Integer>getAs("kafka_partition")).isEqualTo(0);
    assertThat(pixel.<Long>getAs("kafka_offset")).isEqualTo(0L);
    assertThat(pixel.<Timestamp>getAs("kafka_timestamp")).isNotNull();
    Row bulk = mappings.get("m-2");
    assertThat(bulk.<Timestamp>getAs("event_time").toInstant())
        .isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    assertThat(bulk.<String>getAs("partner")).isEqualTo("partner_b");
    assertThat(bulk.<String>getAs("partner_id")).isEqualTo("b:9f8e");
    assertThat(bulk.<String>getAs("user_id")).isEqualTo(PSEUDONYMIZER.pseudonymize("u-2"));
    assertThat(bulk.<String>getAs("region")).isEqualTo("us-east");
    assertThat(bulk.<String>getAs("origin")).isEqualTo("bulk");
    assertThat(bulk.<Long>getAs("kafka_offset")).isEqualTo(1L);
    // Partitioned by event day.
    assertThat(
            spark
                .sql("SELECT partition FROM %s.partitions".formatted(tables.mappings()))
                .collectAsList())
        .hasSize(2);

    // Mappings are not events; a mapping's user id joins with the events' user id.
    List<Row> events = spark.table(tables.events()).collectAsList();
    assertThat(events).extracting(row -> row.<String>getAs("event_id")).containsExactly("e-1");
    assertThat(
            spark
                .sql(
                    "SELECT m.event_id FROM %s m JOIN %s e ON m.user_id = e.user_id"
                        .formatted(tables.mappings(), tables.events()))
                .collectAsList())
        .extracting(row -> row.getString(0))
        .containsExactly("m-1");

    Map<Long, Row> failed =
        spark.table(tables.failedEvents()).collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getAs("kafka_offset"), Function.identity()));
    assertThat(failed).containsOnlyKeys(3L, 4L, 5L);
    assertThat(failed.values())
        .allSatisfy(
            row -> {
              assertThat(row.<String>getAs("source")).isEqualTo("mapping");
              assertThat(row.<String>getAs("kafka_topic")).isEqualTo(mapping);
            });
    assertFailure(failed.get(3L), "validate", "Field 'partner_id' is missing");
    assertFailure(failed.get(4L), "validate", "Field 'region' must be 1 to 40 lower-case");
    assertFailure(failed.get(5L), "parse", "Not valid JSON");
    assertThat(new String(failed.get(5L).<byte[]>getAs("payload"), StandardCharsets.UTF_8))
        .isEqualTo("not json");

    // The topics: enriched-mapping keyed by event id, its JSON the table's columns.
    List<ConsumerRecord<byte[], byte[]>> enriched =
        records(bootstrap, prefix + StreamTopics.enriched(StreamTopics.MAPPING));
    assertThat(enriched).hasSize(2);
    Map<String, JsonNode> json = new java.util.HashMap<>();
    ObjectMapper mapper = new ObjectMapper();
    for (ConsumerRecord<byte[], byte[]> record : enriched) {
      json.put(new String(record.key(), StandardCharsets.UTF_8), mapper.readTree(record.value()));
    }
    assertThat(json).containsOnlyKeys("m-1", "m-2");
    JsonNode pixelJson = json.get("m-1");
    assertThat(pixelJson.fieldNames())
        .toIterable()
        .containsExactly(EventsTables.MAPPING_SCHEMA.fieldNames());
    assertThat(pixelJson.get("event_id").asText()).isEqualTo("m-1");
    assertThat(pixelJson.get("event_time").asText()).isEqualTo("2026-11-23T10:15:00.250Z");
    assertThat(pixelJson.get("partner").asText()).isEqualTo("partner-a");
    assertThat(pixelJson.get("partner_id").asText()).isEqualTo("PA-123");
    assertThat(pixelJson.get("user_id").asText()).isEqualTo(PSEUDONYMIZER.pseudonymize("u-1"));
    assertThat(pixelJson.get("region").asText()).isEqualTo("eu-west");
    assertThat(pixelJson.get("origin").asText()).isEqualTo("pixel");
    assertThat(pixelJson.get("kafka_topic").asText()).isEqualTo(mapping);
    assertThat(pixelJson.get("kafka_partition").asInt()).isEqualTo(0);
    assertThat(pixelJson.get("kafka_offset").asLong()).isEqualTo(0L);
    assertThat(EnricherIT.count(bootstrap, prefix + StreamTopics.enriched(StreamTopics.TRACKER)))
        .isEqualTo(1);
    List<String> failedKeys =
        records(bootstrap, prefix + StreamTopics.FAILED_EVENTS).stream()
            .map(record -> new String(record.key(), StandardCharsets.UTF_8))
            .toList();
    assertThat(failedKeys)
        .containsExactlyInAnyOrder(mapping + "/0/3", mapping + "/0/4", mapping + "/0/5");
  }

  @Test
  void aCrashBetweenTheEventsAndMappingsCommitsLeavesEachMappingOnce() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    String bootstrap = platform.kafkaBootstrapServers();
    String prefix = "mapping-crash-";
    String mapping = prefix + StreamTopics.ingested(StreamTopics.MAPPING);
    String tracker = prefix + StreamTopics.ingested(StreamTopics.TRACKER);
    KafkaTopics.ensure(bootstrap, List.of(mapping, tracker), 1);
    send(
        bootstrap,
        List.of(
            record(
                mapping,
                new MappingEvent(
                        "m-1",
                        Instant.parse("2026-11-23T10:15:00Z"),
                        "partner-a",
                        "PA-1",
                        "u-1",
                        "eu-west",
                        MappingEvent.PIXEL)
                    .toJson()),
            record(mapping, "{\"event_id\":\"m-2\"}"),
            record(
                tracker,
                "{\"event_id\":\"e-1\",\"event_type\":\"click\","
                    + "\"event_time\":\"2026-11-23T10:14:00Z\",\"ip\":\"192.0.2.10\"}")));
    EventsTables tables = new EventsTables("streams_mapping_crash");
    EnricherStream.Settings settings = settings(bootstrap, prefix, tables, "crash");

    // The crash comes after the events table's commit, before the mappings and failed-events ones.
    System.setProperty(EnricherStream.CRASH_POINT_PROPERTY, EnricherStream.CRASH_AFTER_COMMIT);
    try {
      StreamingQuery crashed = EnricherStream.start(spark, settings);
      assertThatThrownBy(crashed::awaitTermination)
          .isInstanceOf(StreamingQueryException.class)
          .hasStackTraceContaining("Test crash after the lake commit");
    } finally {
      System.clearProperty(EnricherStream.CRASH_POINT_PROPERTY);
    }
    assertThat(spark.table(tables.events()).count()).isEqualTo(1);
    assertThat(spark.table(tables.mappings()).count()).isZero();

    // The replayed batch skips the events table and commits the other two.
    EnricherStream.start(spark, settings).awaitTermination();
    assertThat(spark.table(tables.events()).count()).isEqualTo(1);
    assertThat(spark.table(tables.mappings()).collectAsList())
        .extracting(row -> row.<String>getAs("event_id"))
        .containsExactly("m-1");
    assertThat(spark.table(tables.failedEvents()).collectAsList())
        .singleElement()
        .satisfies(row -> assertFailure(row, "validate", "Field 'event_time' is missing"));

    // Run again on the same checkpoint: nothing new, nothing twice.
    EnricherStream.start(spark, settings).awaitTermination();
    assertThat(spark.table(tables.mappings()).count()).isEqualTo(1);
    assertThat(spark.table(tables.failedEvents()).count()).isEqualTo(1);
  }

  private static EnricherStream.Settings settings(
      String bootstrap, String prefix, EventsTables tables, String name) throws Exception {
    return new EnricherStream.Settings(
        bootstrap,
        prefix,
        tables,
        Files.createTempDirectory("enricher-mapping-" + name).toUri(),
        new EnrichmentOptions(true, null, true, true, true, PSEUDONYMIZER),
        Duration.ofMinutes(10),
        10_000,
        Duration.ofSeconds(1),
        true);
  }

  private static Map<String, Row> byEventId(List<Row> rows) {
    return rows.stream()
        .collect(Collectors.toMap(row -> row.getAs("event_id"), Function.identity()));
  }
}
