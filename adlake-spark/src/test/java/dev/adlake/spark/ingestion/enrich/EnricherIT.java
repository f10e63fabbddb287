package dev.adlake.spark.ingestion.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.generator.stream.StreamEventGenerator;
import dev.adlake.generator.stream.StreamGeneratorOptions;
import dev.adlake.generator.stream.StreamTruth;
import dev.adlake.generator.truth.StreamTruthCheck;
import dev.adlake.kafka.EventProducer;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.common.Pseudonymizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The enricher against the real broker and lake: known inputs give known enriched events. */
class EnricherIT {
  static final String KEY = "test-pseudonym-key-0123456789";
  static final String IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
  static final String GOOGLEBOT =
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

  @Test
  void enrichesKnownEventsAndKeepsFailuresWithReasons() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    String bootstrap = platform.kafkaBootstrapServers();
    String prefix = "known-";
    String tracker = prefix + StreamTopics.ingested(StreamTopics.TRACKER);
    String bids = prefix + StreamTopics.ingested(StreamTopics.BIDS);
    KafkaTopics.ensure(bootstrap, List.of(tracker, bids), 1);

    String first =
        web(
            "e-1",
            "page_view",
            "2026-11-23T10:15:00.250Z",
            "u-1",
            "192.0.2.10",
            IPHONE,
            "https://m.shop.example.co.uk/a/b?utm_source=news&utm_campaign=Black%20Friday",
            "https://www.google.com/search?q=shoes");
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.add(record(tracker, first));
    records.add(
        record(
            tracker,
            web(
                "e-2",
                "click",
                "2026-11-23T10:16:00Z",
                null,
                "2001:db8:4000::17",
                GOOGLEBOT,
                "https://news.example.de/",
                null)));
    records.add(record(tracker, first)); // re-sent: counted once
    records.add(record(tracker, "{\"event_id\": \"e-3\", \"event_type\": "));
    records.add(
        record(tracker, "{\"event_id\":\"e-4\",\"event_type\":\"click\",\"ip\":\"192.0.2.1\"}"));
    records.add(
        record(
            tracker,
            web("e-5", "click", "2026-11-23T10:17:00Z", "u-5", "999.1.2.3", IPHONE, null, null)));
    String unenrichable =
        web(
            "e-6",
            "impression",
            "2026-11-23T10:18:00Z",
            "u-6",
            "192.0.2.77",
            IPHONE,
            "htp:/broken",
            null);
    records.add(record(tracker, unenrichable));
    // Re-sent after a failure of enrichment: a duplicate like any other, kept once (offset 8).
    records.add(record(tracker, unenrichable));
    records.add(
        record(
            tracker,
            "{\"event_id\":7,\"event_type\":\"click\",\"event_time\":\"2026-11-23T10:19:00Z\",\"ip\":\"192.0.2.1\"}"));
    records.add(new ProducerRecord<>(bids, bid("b-1", "192.0.2.200", "u-9")));
    records.add(new ProducerRecord<>(bids, "not avro".getBytes(StandardCharsets.UTF_8)));
    send(bootstrap, records);

    Path checkpoint = Files.createTempDirectory("enricher-known");
    EventsTables tables = new EventsTables("streams_known");
    EnricherStream.Settings settings =
        new EnricherStream.Settings(
            bootstrap,
            prefix,
            tables,
            checkpoint.toUri(),
            new EnrichmentOptions(true, null, true, true, true, new Pseudonymizer(KEY)),
            Duration.ofMinutes(10),
            10_000,
            Duration.ofSeconds(1),
            true);
    StreamingQuery query = EnricherStream.start(spark, settings);
    query.awaitTermination();

    Map<String, Row> events =
        spark.table(tables.events()).collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getAs("event_id"), Function.identity()));
    assertThat(events).containsOnlyKeys("e-1", "e-2", "b-1");
    Row web = events.get("e-1");
    assertThat(web.<String>getAs("source")).isEqualTo("tracker");
    assertThat(web.<java.sql.Timestamp>getAs("event_time").toInstant())
        .isEqualTo(Instant.parse("2026-11-23T10:15:00.250Z"));
    assertThat(web.<String>getAs("ip")).isEqualTo("192.0.2.0");
    assertThat(web.<String>getAs("user_id")).isEqualTo(hmac("u-1"));
    assertThat(
            List.of(
                web.<String>getAs("country"),
                web.<String>getAs("region"),
                web.<String>getAs("city")))
        .containsExactly("US", "California", "San Francisco");
    assertThat(web.<String>getAs("device_class")).isEqualTo("Phone");
    assertThat(web.<String>getAs("os_name")).isEqualTo("iOS");
    assertThat(web.<String>getAs("browser_name")).isEqualTo("Safari");
    assertThat(web.<Boolean>getAs("is_robot")).isFalse();
    assertThat(web.<String>getAs("page_host")).isEqualTo("m.shop.example.co.uk");
    assertThat(web.<String>getAs("page_domain")).isEqualTo("example.co.uk");
    assertThat(web.<String>getAs("page_path")).isEqualTo("/a/b");
    assertThat(web.<String>getAs("utm_source")).isEqualTo("news");
    assertThat(web.<String>getAs("utm_campaign")).isEqualTo("Black Friday");
    assertThat(web.<String>getAs("referrer_domain")).isEqualTo("google.com");

    Row robot = events.get("e-2");
    assertThat(robot.<Boolean>getAs("is_robot")).isTrue();
    assertThat(robot.<String>getAs("country")).isEqualTo("GB");
    assertThat(robot.<String>getAs("user_id")).isNull();

    Row bid = events.get("b-1");
    assertThat(bid.<String>getAs("event_type")).isEqualTo("bid_request");
    assertThat(bid.<String>getAs("ad_slot")).isEqualTo("top-banner");
    assertThat(bid.<Long>getAs("floor_price_micros")).isEqualTo(250_000L);
    assertThat(bid.<String>getAs("country")).isEqualTo("DE");
    assertThat(bid.<String>getAs("page_domain")).isEqualTo("example.com.au");

    Map<Long, Row> failed =
        spark.table(tables.failedEvents()).collectAsList().stream()
            .filter(row -> row.<String>getAs("kafka_topic").equals(tracker))
            .collect(Collectors.toMap(row -> row.getAs("kafka_offset"), Function.identity()));
    assertThat(failed).containsOnlyKeys(3L, 4L, 5L, 6L, 8L);
    assertFailure(failed.get(3L), "parse", "Not valid JSON");
    assertFailure(failed.get(4L), "validate", "event_time: is missing");
    assertFailure(failed.get(5L), "validate", "999.1.2.3");
    assertFailure(failed.get(6L), "enrich", "page_url");
    assertFailure(failed.get(8L), "validate", "event_id: expected a string, got a number");
    assertThat(new String(failed.get(6L).<byte[]>getAs("payload"), StandardCharsets.UTF_8))
        .contains("htp:/broken");
    List<Row> failedBids =
        spark.table(tables.failedEvents()).where("kafka_topic = '" + bids + "'").collectAsList();
    assertThat(failedBids).hasSize(1);
    assertFailure(failedBids.get(0), "parse", "Not an Avro bid request");

    assertThat(count(bootstrap, prefix + "enriched-tracker")).isEqualTo(2);
    assertThat(count(bootstrap, prefix + "enriched-bids")).isEqualTo(1);
    assertThat(count(bootstrap, prefix + StreamTopics.FAILED_EVENTS)).isEqualTo(6);

    // The topics' JSON: the table's non-null columns, ISO-8601 UTC times, binary as base64.
    ObjectMapper json = new ObjectMapper();
    List<ConsumerRecord<byte[], byte[]>> enrichedBids =
        records(bootstrap, prefix + "enriched-bids");
    assertThat(new String(enrichedBids.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("b-1");
    JsonNode enrichedBid = json.readTree(enrichedBids.get(0).value());
    assertThat(enrichedBid.get("event_time").asText()).isEqualTo("2026-11-23T10:20:00.000Z");
    assertThat(enrichedBid.get("floor_price_micros").asLong()).isEqualTo(250_000L);
    assertThat(enrichedBid.get("is_robot").asBoolean()).isFalse();
    assertThat(enrichedBid.get("page_domain").asText()).isEqualTo("example.com.au");
    assertThat(enrichedBid.has("referrer_url")).isFalse();
    JsonNode failedJson =
        json.readTree(
            records(bootstrap, prefix + StreamTopics.FAILED_EVENTS).stream()
                .filter(
                    record ->
                        new String(record.key(), StandardCharsets.UTF_8).equals(tracker + "/0/6"))
                .findFirst()
                .orElseThrow()
                .value());
    assertThat(failedJson.get("stage").asText()).isEqualTo("enrich");
    assertThat(new String(failedJson.get("payload").binaryValue(), StandardCharsets.UTF_8))
        .contains("htp:/broken");
  }

  @Test
  void aCrashAfterCommitAndAStopMidStreamLeaveEveryEventOnce() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    String bootstrap = platform.kafkaBootstrapServers();
    String prefix = "restart-";
    StreamEventGenerator generator =
        new StreamEventGenerator(
            StreamGeneratorOptions.defaults(40_000, Instant.parse("2026-11-23T09:58:00Z")));
    new EventProducer(bootstrap, 2, prefix).send(generator, 0, (sent, rate) -> {});
    StreamTruth truth = generator.truth();

    Path checkpoint = Files.createTempDirectory("enricher-restart");
    EventsTables tables = new EventsTables("streams_restart");
    EnrichmentOptions options =
        new EnrichmentOptions(true, null, true, true, true, new Pseudonymizer(KEY));
    Function<Boolean, EnricherStream.Settings> settings =
        once ->
            new EnricherStream.Settings(
                bootstrap,
                prefix,
                tables,
                checkpoint.toUri(),
                options,
                Duration.ofMinutes(10),
                4_000,
                Duration.ofMillis(500),
                once);

    // 1. A crash between the lake commit of a batch and the end of that batch.
    StreamingQuery first = EnricherStream.start(spark, settings.apply(false));
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                spark.catalog().tableExists(tables.events())
                    && spark.table(tables.events()).count() > 0);
    System.setProperty(EnricherStream.CRASH_POINT_PROPERTY, EnricherStream.CRASH_AFTER_COMMIT);
    assertThatThrownBy(first::awaitTermination)
        .isInstanceOf(StreamingQueryException.class)
        .hasStackTraceContaining("Test crash after the lake commit");
    long afterCrash = spark.table(tables.events()).count();

    // 2. Resumed, then stopped between batches while events remain.
    StreamingQuery second = EnricherStream.start(spark, settings.apply(false));
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> spark.table(tables.events()).count() > afterCrash);
    second.stop();
    assertThat(spark.table(tables.events()).count())
        .as("the stop came mid-stream")
        .isLessThan(truth.total().distinctValidEvents());

    // 3. Resumed to the end.
    StreamingQuery last = EnricherStream.start(spark, settings.apply(true));
    last.awaitTermination();

    StreamTruthCheck.Comparison comparison =
        StreamTruthCheck.compare(spark, tables.events(), tables.failedEvents(), truth);
    assertThat(comparison.differences()).isEmpty();
    assertThat(comparison.figures()).hasSizeGreaterThan(10);
    // Kafka outputs are at least once: a replayed batch is sent again, no event is missing.
    for (String source : truth.sources().keySet()) {
      assertThat(distinctKeys(bootstrap, prefix + StreamTopics.enriched(source)))
          .isEqualTo(truth.source(source).distinctValidEvents());
    }
  }

  /** Distinct record keys of a topic, read from the beginning to its end. */
  static long distinctKeys(String bootstrap, String topic) {
    return records(bootstrap, topic).stream()
        .map(record -> new String(record.key(), StandardCharsets.UTF_8))
        .distinct()
        .count();
  }

  /** The records of a topic, read from the beginning to its end. */
  static List<ConsumerRecord<byte[], byte[]>> records(String bootstrap, String topic) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrap);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream()
          .anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
        consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
      }
    }
    return records;
  }

  static void assertFailure(Row row, String stage, String reason) {
    assertThat(row.<String>getAs("stage")).isEqualTo(stage);
    assertThat(row.<String>getAs("reason")).contains(reason);
  }

  static String hmac(String id) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] digest = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  private static String web(
      String id,
      String type,
      String time,
      String user,
      String ip,
      String agent,
      String page,
      String referrer) {
    StringBuilder json = new StringBuilder("{");
    json.append("\"event_id\":\"").append(id).append("\",\"event_type\":\"").append(type);
    json.append("\",\"event_time\":\"").append(time).append("\",\"ip\":\"").append(ip).append('"');
    if (user != null) json.append(",\"user_id\":\"").append(user).append('"');
    if (agent != null) json.append(",\"user_agent\":\"").append(agent).append('"');
    if (page != null) json.append(",\"page_url\":\"").append(page).append('"');
    if (referrer != null) json.append(",\"referrer\":\"").append(referrer).append('"');
    return json.append('}').toString();
  }

  private static byte[] bid(String id, String ip, String user) throws Exception {
    GenericRecord record = new GenericData.Record(StreamTopics.bidRequestSchema());
    record.put("request_id", id);
    record.put("event_time", Instant.parse("2026-11-23T10:20:00Z").toEpochMilli());
    record.put("ip", ip);
    record.put("user_agent", IPHONE);
    record.put("user_id", user);
    record.put("site_url", "https://shop.example.com.au/deals");
    record.put("ad_slot", "top-banner");
    record.put("floor_price_micros", 250_000L);
    return new BinaryMessageEncoder<GenericRecord>(
            GenericData.get(), StreamTopics.bidRequestSchema())
        .encode(record)
        .array();
  }

  static ProducerRecord<byte[], byte[]> record(String topic, String value) {
    return new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8));
  }

  static void send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrap);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
      records.forEach(producer::send);
      producer.flush();
    }
  }

  /** Records in a topic, read from the beginning to its end. */
  static long count(String bootstrap, String topic) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum()
          - consumer.beginningOffsets(partitions).values().stream()
              .mapToLong(Long::longValue)
              .sum();
    }
  }
}
