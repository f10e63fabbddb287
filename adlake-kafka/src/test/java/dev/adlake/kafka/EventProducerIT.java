package dev.adlake.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.stream.StreamRecord;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.generator.stream.StreamEventGenerator;
import dev.adlake.generator.stream.StreamGeneratorOptions;
import dev.adlake.generator.stream.StreamTruth;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sends generated events to a real (embedded) broker and reads them back with a plain consumer. */
class EventProducerIT {
  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  @TempDir static Path folder;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(folder.resolve("kafka"), 0);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void everyRecordArrivesOnceWithItsKeyAndValue() {
    StreamGeneratorOptions options = StreamGeneratorOptions.defaults(20_000, START);
    StreamEventGenerator generator = new StreamEventGenerator(options);
    List<Long> progress = new CopyOnWriteArrayList<>();

    EventProducer.Report report =
        new EventProducer(broker.bootstrapServers(), EventProducer.DEFAULT_PARTITIONS)
            .send(generator, 0, (acknowledged, perSecond) -> progress.add(acknowledged));

    StreamTruth truth = generator.truth();
    Map<String, Long> expectedCounts = new TreeMap<>();
    truth
        .sources()
        .forEach(
            (source, counts) ->
                expectedCounts.put(StreamTopics.ingested(source), counts.recordsSent()));
    assertThat(report.recordsByTopic()).isEqualTo(expectedCounts);
    assertThat(report.records()).isEqualTo(truth.total().recordsSent());
    assertThat(progress).last().isEqualTo(truth.total().recordsSent());

    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      for (String topic : EventProducer.TOPICS) {
        assertThat(consumer.partitionsFor(topic)).hasSize(EventProducer.DEFAULT_PARTITIONS);
      }
    }
    Map<String, List<String>> consumed = consumeAll(expectedCounts);
    assertThat(consumed).isEqualTo(keysAndValues(new StreamEventGenerator(options)));
  }

  @Test
  void aBadRateOrPartitionCountIsRefused() {
    assertThatThrownBy(() -> new EventProducer(broker.bootstrapServers(), 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot create topics with 0 partitions: give 1 to 1000");
    assertThatThrownBy(
            () ->
                new EventProducer(broker.bootstrapServers(), 2)
                    .send(List.<StreamRecord>of().iterator(), -1, (a, r) -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot send at -1.0 records per second: give 0 (as fast as possible) or more");
  }

  /** Every record of the topics, read from the start; per topic as sorted "key value" lines. */
  private static Map<String, List<String>> consumeAll(Map<String, Long> expectedCounts) {
    Map<String, List<String>> consumed = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : expectedCounts.keySet()) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumed.put(topic, new ArrayList<>());
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
      Map<String, Long> onBroker = new TreeMap<>();
      endOffsets.forEach((partition, end) -> onBroker.merge(partition.topic(), end, Long::sum));
      // The broker holds exactly what was sent: no retry wrote a record twice.
      assertThat(onBroker).isEqualTo(expectedCounts);

      Map<String, Integer> read = new HashMap<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  assertThat(record.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                  consumed.get(record.topic()).add(line(record.key(), record.value()));
                  read.merge(record.topic(), 1, Integer::sum);
                }
                return expectedCounts.entrySet().stream()
                    .allMatch(e -> read.getOrDefault(e.getKey(), 0) >= e.getValue());
              });
    }
    consumed.values().forEach(lines -> lines.sort(null));
    return consumed;
  }

  private static Map<String, List<String>> keysAndValues(StreamEventGenerator generator) {
    Map<String, List<String>> lines = new TreeMap<>();
    generator.forEachRemaining(
        record ->
            lines
                .computeIfAbsent(record.topic(), topic -> new ArrayList<>())
                .add(line(record.key(), record.value())));
    lines.values().forEach(list -> list.sort(null));
    return lines;
  }

  private static String line(byte[] key, byte[] value) {
    return Base64.getEncoder().encodeToString(key)
        + " "
        + Base64.getEncoder().encodeToString(value);
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5000,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class));
  }
}
