package dev.adlake.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedTopic;
import dev.adlake.core.feed.FileFormat;
import dev.adlake.core.feed.LoadMode;
import dev.adlake.core.feed.SchemaEvolution;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.kafka.TestKafka;
import dev.adlake.kafka.TestingClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A topic batched into landing files by record count and by age, across a crash between a file's
 * write and its offset commit: the files' union holds every record once, bytes unchanged.
 */
class BatchingBridgeIT {
  private static final int FLUSH_RECORDS = 500;
  private static final int FLUSH_MINUTES = 10;

  /** Thrown by the test's hook, as a kill between the file and the commit. */
  private static final class SimulatedCrash extends RuntimeException {
    SimulatedCrash() {
      super("simulated crash");
    }
  }

  @Test
  void filesByCountAndByAgeAndNothingLostOrTwiceAcrossACrash() throws Exception {
    String servers = TestKafka.bootstrapServers();
    String topic = "bridge-it-" + System.nanoTime();
    KafkaTopics.ensure(servers, List.of(topic), 2);
    Path landing = Path.of("target", "bridge-it", topic).toAbsolutePath();
    Feed feed =
        new Feed(
            "bridged",
            "stream/bridged/",
            FileFormat.JSON,
            Optional.empty(),
            SchemaEvolution.ADD_COLUMNS,
            "raw.stream__bridged",
            Optional.empty(),
            LoadMode.APPEND,
            false,
            List.of(),
            Optional.empty(),
            0.05,
            Optional.of(new FeedTopic(topic, FLUSH_RECORDS, FLUSH_MINUTES)));
    TestingClock clock = new TestingClock(Instant.parse("2026-11-23T10:00:00Z"));
    Map<Integer, byte[]> produced = new HashMap<>();

    // 1,150 records per partition: two full files each, 150 left to go by age.
    produce(servers, topic, 0, 2_300, produced);
    BatchingBridge first = BatchingBridge.start(feed, landing, servers, clock, line -> {});
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              first.step(Duration.ofMillis(100));
              return first.summary().records() == 2_300;
            });
    assertThat(first.summary().fullFiles()).isEqualTo(4);
    assertThat(first.summary().timedFiles()).isZero();
    clock.advance(Duration.ofMinutes(FLUSH_MINUTES));
    first.step(Duration.ofMillis(10));
    assertThat(first.summary().timedFiles()).isEqualTo(2);
    assertThat(landingFiles(landing)).hasSize(6);
    assertThat(linesOf(landingFiles(landing))).hasSize(2_300);

    // 700 more; the first file due by age is written, then the process dies before committing.
    produce(servers, topic, 2_300, 700, produced);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              first.step(Duration.ofMillis(100));
              return first.summary().records() == 3_000;
            });
    String[] crashed = new String[1];
    first.beforeCommit =
        key -> {
          crashed[0] = key;
          throw new SimulatedCrash();
        };
    clock.advance(Duration.ofMinutes(FLUSH_MINUTES));
    assertThatThrownBy(() -> first.step(Duration.ofMillis(10))).isInstanceOf(SimulatedCrash.class);
    first.halt();
    Path crashedFile = landing.resolve(crashed[0]);
    assertThat(crashedFile).exists();
    // Pretend the written file is older, so the rewrite shows as a new modified time even on
    // coarse file-system clocks.
    FileTime before = FileTime.from(Instant.parse("2026-11-23T10:20:00Z"));
    Files.setLastModifiedTime(crashedFile, before);

    // The next process starts at the committed offsets: the same first offset, the same name.
    List<String> progress = new ArrayList<>();
    BatchingBridge second = BatchingBridge.start(feed, landing, servers, clock, progress::add);
    second.runOnce();
    assertThat(progress).anyMatch(line -> line.contains(crashed[0]));
    assertThat(Files.getLastModifiedTime(crashedFile)).isNotEqualTo(before);
    assertThat(second.summary().records()).isEqualTo(700);

    List<Path> files = landingFiles(landing);
    assertThat(files).hasSize(8);
    assertThat(files)
        .allSatisfy(
            file ->
                assertThat(file.getFileName().toString())
                    .matches(topic + "-p[01]-o\\d{20}\\.jsonl\\.gz"));
    List<String> lines = linesOf(files);
    assertThat(lines).hasSize(3_000);
    Map<Integer, byte[]> received = new HashMap<>();
    for (String line : lines) {
      byte[] value = ValueLines.decode(line);
      int id = idOf(value);
      assertThat(received.put(id, value)).as("record %d once", id).isNull();
    }
    assertThat(received.keySet()).isEqualTo(produced.keySet());
    received.forEach(
        (id, value) -> assertThat(value).as("record %d", id).isEqualTo(produced.get(id)));
    // The odd values are escaped, not changed: ingestion rejects those lines and keeps them.
    assertThat(lines).filteredOn(line -> line.startsWith(ValueLines.ESCAPED)).hasSize(2 * 30);
    // No temporary file is left, and none would be listed: they are hidden.
    try (Stream<Path> walk = Files.walk(landing)) {
      assertThat(walk.filter(path -> path.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
  }

  /**
   * Produces records with ids from {@code first}: JSON objects, and every 100th a value that cannot
   * be a line as it is (a line break, or bytes that are not UTF-8).
   */
  private static void produce(
      String servers, String topic, int first, int count, Map<Integer, byte[]> produced) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class.getName()))) {
      for (int id = first; id < first + count; id++) {
        String text =
            switch (id % 100) {
              case 7 -> "{\"id\":%d,\n \"note\":\"pretty printed\"}".formatted(id);
              default -> "{\"id\":%d,\"event\":\"impression\",\"city\":\"Zürich\"}".formatted(id);
            };
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        if (id % 100 == 42) {
          value = ("{\"id\":%d,\"raw\":\"".formatted(id)).getBytes(StandardCharsets.UTF_8);
          value = java.util.Arrays.copyOf(value, value.length + 2);
          value[value.length - 2] = (byte) 0xC3;
          value[value.length - 1] = (byte) 0x28;
        }
        produced.put(id, value);
        producer.send(new ProducerRecord<>(topic, id % 2, null, value));
      }
      producer.flush();
    }
  }

  private static int idOf(byte[] value) {
    String text = new String(value, StandardCharsets.ISO_8859_1);
    int start = text.indexOf("\"id\":") + 5;
    int end = start;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return Integer.parseInt(text.substring(start, end));
  }

  private static List<Path> landingFiles(Path landing) throws IOException {
    try (Stream<Path> walk = Files.walk(landing)) {
      return walk.filter(Files::isRegularFile)
          .filter(path -> !path.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static List<String> linesOf(List<Path> files) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path file : files) {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(
                  new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      }
    }
    return lines;
  }
}
