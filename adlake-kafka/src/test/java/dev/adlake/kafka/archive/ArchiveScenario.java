package dev.adlake.kafka.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.config.ArchiveConfig;
import dev.adlake.kafka.KafkaTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The archive of a topic across abrupt stops, a crash leaving partial files and a clean stop: every
 * record once, byte for byte, in its hour, and _SUCCESS exactly where all partitions have passed.
 * One scenario for every {@link ArchiveStore}: a local folder here, S3 in adlake-spark.
 */
public final class ArchiveScenario {
  private static final int RECORDS = 30_000;
  private static final int PARTITIONS = 2;
  private static final int MAX_RECORDS_PER_FILE = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A produced record, as the test knows it. */
  private record Produced(
      byte[] key, byte[] value, long timestamp, String headerKey, byte[] header) {}

  /** An archived line, as read back. */
  private record Archived(String file, int partition, long offset, JsonNode line) {}

  private final Supplier<ArchiveStore> stores;
  private final Function<String, InputStream> opener;

  /**
   * @param stores opens a new store of the archive's location
   * @param opener opens a published file of the archive, by its path under the root
   */
  public ArchiveScenario(Supplier<ArchiveStore> stores, Function<String, InputStream> opener) {
    this.stores = stores;
    this.opener = opener;
  }

  /**
   * Archives a new topic in three hours across a kill, a partial file, a clean stop, a run to the
   * end and a run later with nothing to read, and checks the archive after each.
   *
   * @param location the archive's root; the test's topic gets a folder of its own there
   */
  public void everyRecordOnceInItsHourAcrossCrashesAndRestarts(String servers, URI location)
      throws Exception {
    String topic = "archive-it-" + System.nanoTime();
    KafkaTopics.ensure(servers, List.of(topic), PARTITIONS);
    // Three hours in the recent past, so the broker's retention keeps them; the last is still open
    // by the archiver's clock, the two before it are passed by every partition.
    Instant firstHour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    Clock clock = Clock.fixed(firstHour.plus(Duration.ofMinutes(150)), ZoneOffset.UTC);
    ArchiveConfig config =
        new ArchiveConfig(List.of(topic), location, MAX_RECORDS_PER_FILE, 3_600, 300);

    Map<Long, Produced> produced = produce(servers, topic, firstHour);
    assertThat(produced).hasSize(RECORDS);

    // A first archiver is killed part way: its open files stay behind, partial and unnamed.
    KafkaArchiver first = KafkaArchiver.start(config, stores.get(), servers, clock, line -> {});
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              first.step(Duration.ofMillis(100));
              return first.recordsArchived() >= 7_500;
            });
    first.halt();
    // One more partial file, as if the kill came in the middle of a write.
    try (ArchiveStore store = stores.get()) {
      Files.write(
          store.staging(
              ArchiveLayout.hourDirectory(topic, hourOf(firstHour))
                  + "/"
                  + ArchiveLayout.temporaryName(topic, 1, 999_999)),
          new byte[] {31, -117, 8, 0});
    }
    assertThat(temporaryFiles(topic)).hasSizeGreaterThanOrEqualTo(2);

    // A second one deletes them, goes on from the archive's end, and is stopped cleanly.
    List<String> lines = new ArrayList<>();
    KafkaArchiver second = KafkaArchiver.start(config, stores.get(), servers, clock, lines::add);
    assertThat(temporaryFiles(topic)).isEmpty();
    assertThat(second.summary().get(0).removedTemporaries()).isGreaterThanOrEqualTo(1);
    assertThat(lines).anyMatch(line -> line.contains("partial file(s)"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              second.step(Duration.ofMillis(100));
              return second.recordsArchived() >= 10_000;
            });
    second.close();

    // A third one finishes, as 'adlake archive --once' does.
    KafkaArchiver third = KafkaArchiver.start(config, stores.get(), servers, clock, line -> {});
    third.runOnce();
    assertThat(temporaryFiles(topic)).isEmpty();

    List<Archived> archived = readArchive(topic);
    assertThat(archived).hasSize(RECORDS);
    Set<Long> seen = new HashSet<>();
    for (Archived record : archived) {
      assertThat(seen.add(key(record.partition(), record.offset())))
          .as("%d-%d archived once", record.partition(), record.offset())
          .isTrue();
      Produced expected = produced.get(key(record.partition(), record.offset()));
      assertThat(expected)
          .as("%d-%d was produced", record.partition(), record.offset())
          .isNotNull();
      JsonNode line = record.line();
      assertThat(line.get("timestamp").asLong()).isEqualTo(expected.timestamp());
      assertThat(bytes(line.get("key_base64"))).isEqualTo(expected.key());
      assertThat(bytes(line.get("value_base64"))).isEqualTo(expected.value());
      if (expected.headerKey() == null) {
        assertThat(line.has("headers")).isFalse();
      } else {
        assertThat(line.get("headers").get(0).get("key").asText()).isEqualTo(expected.headerKey());
        assertThat(bytes(line.get("headers").get(0).get("value_base64")))
            .isEqualTo(expected.header());
      }
      // In the folder of its hour.
      assertThat(record.file())
          .startsWith(ArchiveLayout.hourDirectory(topic, hourOf(expected.timestamp())) + "/");
    }
    assertThat(seen).containsAll(produced.keySet());

    // Per partition, the files follow each other with no gap, named by their offsets.
    Map<Integer, List<ArchiveLayout.DataFile>> files = dataFiles(topic);
    assertThat(files).containsOnlyKeys(0, 1);
    for (List<ArchiveLayout.DataFile> partitionFiles : files.values()) {
      long next = 0;
      for (ArchiveLayout.DataFile file : partitionFiles) {
        assertThat(file.firstOffset()).isEqualTo(next);
        next = file.lastOffset() + 1;
      }
      assertThat(next).isEqualTo(RECORDS / PARTITIONS);
    }

    // The first two hours are complete; the third is not: its end is after the clock.
    long hour = hourOf(firstHour);
    assertThat(list(topic))
        .contains(success(topic, hour), success(topic, hour + 1))
        .doesNotContain(success(topic, hour + 2))
        .anyMatch(file -> file.startsWith(ArchiveLayout.hourDirectory(topic, hour + 2) + "/"));

    // Once the quiet topic's last hour is past, with the grace, a run with nothing to read marks
    // it complete and writes no file.
    Clock later = Clock.fixed(firstHour.plus(Duration.ofMinutes(185 + 6)), ZoneOffset.UTC);
    KafkaArchiver fourth = KafkaArchiver.start(config, stores.get(), servers, later, line -> {});
    fourth.runOnce();
    assertThat(fourth.recordsArchived()).isZero();
    assertThat(fourth.summary().get(0).hoursCompleted()).isEqualTo(1);
    assertThat(list(topic)).contains(success(topic, hour + 2));
    assertThat(readArchive(topic)).hasSize(RECORDS);
  }

  private static String success(String topic, long hour) {
    return ArchiveLayout.hourDirectory(topic, hour) + "/" + ArchiveLayout.SUCCESS;
  }

  private List<String> list(String topic) throws IOException {
    try (ArchiveStore store = stores.get()) {
      return store.list(topic);
    }
  }

  /**
   * Produces the records with a fixed seed: any bytes as key and value (some null), a header on
   * some, timestamps rising over three hours, alternating partitions.
   */
  private static Map<Long, Produced> produce(String servers, String topic, Instant firstHour)
      throws Exception {
    Random random = new Random(20261123);
    Map<Long, Produced> produced = new ConcurrentHashMap<>();
    long step = Duration.ofHours(3).toMillis() / RECORDS;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()))) {
      for (int i = 0; i < RECORDS; i++) {
        int partition = i % PARTITIONS;
        long timestamp = firstHour.toEpochMilli() + i * step;
        byte[] key = random.nextInt(10) == 0 ? null : randomBytes(random, 16);
        byte[] value = random.nextInt(50) == 0 ? null : randomBytes(random, 300);
        RecordHeaders headers = new RecordHeaders();
        String headerKey = null;
        byte[] header = null;
        if (random.nextInt(5) == 0) {
          headerKey = "trace\"id\n" + random.nextInt(100);
          header = randomBytes(random, 8);
          headers.add(headerKey, header);
        }
        Produced record = new Produced(key, value, timestamp, headerKey, header);
        producer.send(
            new ProducerRecord<>(topic, partition, timestamp, key, value, headers),
            (metadata, error) -> {
              if (error == null) {
                produced.put(key(metadata.partition(), metadata.offset()), record);
              }
            });
      }
      producer.flush();
    }
    return produced;
  }

  private static byte[] randomBytes(Random random, int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  private static long key(int partition, long offset) {
    return ((long) partition << 40) | offset;
  }

  private static long hourOf(Instant instant) {
    return hourOf(instant.toEpochMilli());
  }

  private static long hourOf(long millis) {
    return ArchiveLayout.hourOf(millis);
  }

  private static byte[] bytes(JsonNode base64) {
    return base64.isNull() ? null : Base64.getDecoder().decode(base64.asText());
  }

  private List<String> temporaryFiles(String topic) throws IOException {
    return list(topic).stream().filter(ArchiveLayout::isTemporary).toList();
  }

  private Map<Integer, List<ArchiveLayout.DataFile>> dataFiles(String topic) throws IOException {
    Map<Integer, List<ArchiveLayout.DataFile>> files = new HashMap<>();
    for (String path : list(topic)) {
      ArchiveLayout.parse(path)
          .ifPresent(
              file -> files.computeIfAbsent(file.partition(), p -> new ArrayList<>()).add(file));
    }
    files
        .values()
        .forEach(list -> list.sort(Comparator.comparingLong(ArchiveLayout.DataFile::firstOffset)));
    return files;
  }

  /** Every line of every data file, checking that each file holds what its name says. */
  private List<Archived> readArchive(String topic) throws IOException {
    List<Archived> archived = new ArrayList<>();
    for (List<ArchiveLayout.DataFile> files : dataFiles(topic).values()) {
      for (ArchiveLayout.DataFile file : files) {
        assertThat(file.topic()).isEqualTo(topic);
        List<Long> offsets = new ArrayList<>();
        try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(
                    new GZIPInputStream(opener.apply(file.path())), StandardCharsets.UTF_8))) {
          String text;
          while ((text = reader.readLine()) != null) {
            JsonNode line = JSON.readTree(text);
            int partition = line.get("partition").asInt();
            long offset = line.get("offset").asLong();
            assertThat(partition).isEqualTo(file.partition());
            offsets.add(offset);
            archived.add(new Archived(file.path(), partition, offset, line));
          }
        }
        assertThat(offsets).hasSizeLessThanOrEqualTo(MAX_RECORDS_PER_FILE);
        assertThat(offsets.get(0)).isEqualTo(file.firstOffset());
        assertThat(offsets.get(offsets.size() - 1)).isEqualTo(file.lastOffset());
        long[] expected = new long[offsets.size()];
        Arrays.setAll(expected, i -> file.firstOffset() + i);
        assertThat(offsets).containsExactly(Arrays.stream(expected).boxed().toArray(Long[]::new));
      }
    }
    return archived;
  }
}
