package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.generator.browsing.BrowsingGenerator;
import dev.adlake.generator.browsing.BrowsingOptions;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Real {@code adlake run} processes of the raw ingester and the Kafka event ingester, each halted
 * mid-file (as SIGKILL would) and after its work but before the ledger knew, then killed with
 * SIGKILL at a moment of the test's choosing, then run again: every landed file equals the
 * partner's, and the topics hold every page view of the truth once, read as the enricher reads them
 * (read_committed).
 */
class PartnerIngestProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void killedIngestersLoseAndDoubleNothing() throws Exception {
    Platform platform = TestPlatform.get();
    Path home = platform.config().home().resolve("processes").resolve("partners");
    Files.createDirectories(home);
    Path config = home.resolve("adlake.yaml");
    Files.writeString(
        config,
        """
        metadata:
          jdbc-url: "%s"
          password: "%s"
        kafka:
          bootstrap-servers: "%s"
        spark:
          master: local[1]
        """
            .formatted(
                platform.metadata().jdbcUrl(),
                platform.metadata().password().orElseThrow(),
                platform.kafkaBootstrapServers()));
    Path bucket = home.resolve("partners").resolve(BrowsingGenerator.SHARETHIS);
    BrowsingOptions options =
        BrowsingOptions.defaults(
                5L,
                LocalDate.of(2026, 11, 2),
                home.resolve("landing"),
                bucket,
                home.resolve("expected"))
            .withSize(400, 900, 60_000, 1_000);
    BrowsingGenerator.generate(options, hour -> {});
    List<Path> partnerFiles = files(bucket);
    assertThat(partnerFiles).hasSize(12);

    // The raw ingester, halted halfway through a copy: nothing half-written is visible.
    assertThat(run(home, config, "raw-ingest-sharethis", "raw-copy-mid-file")).isEqualTo(137);
    assertThat(loads("raw-sharethis", LoadStatus.INGESTING)).hasSize(1);
    assertThat(visibleLanded(home)).isEmpty();
    // Halted after landing a file, before recording it.
    assertThat(run(home, config, "raw-ingest-sharethis", "raw-copy-after-landing")).isEqualTo(137);
    assertThat(visibleLanded(home)).hasSize(1);
    assertThat(run(home, config, "raw-ingest-sharethis", null)).isZero();
    List<Load> copies = loads("raw-sharethis", null);
    assertThat(copies).hasSize(12).allMatch(load -> load.status() == LoadStatus.ARCHIVED);
    assertThat(copies)
        .anyMatch(load -> load.message().orElse("").contains("already in the landing zone"));
    for (Path file : partnerFiles) {
      Path landed =
          home.resolve("landing").resolve("sharethis").resolve(bucket.relativize(file).toString());
      assertThat(landed).hasSameBinaryContentAs(file);
    }
    // Nothing new: a rerun copies nothing.
    assertThat(run(home, config, "raw-ingest-sharethis", null)).isZero();
    assertThat(loads("raw-sharethis", null)).hasSize(12);

    // The event ingester, halted after sending part of a file in its transaction, then after a
    // commit the ledger did not record, then killed by the test, then run to the end.
    assertThat(run(home, config, "partner-events", "partner-events-mid-file")).isEqualTo(137);
    assertThat(run(home, config, "partner-events", "partner-events-after-commit")).isEqualTo(137);
    Process victim = start(home, config, "partner-events", null);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline
        && loads("events-sharethis", LoadStatus.ARCHIVED).size()
                + loads("events-33across", LoadStatus.ARCHIVED).size()
            < 4) {
      Thread.sleep(20);
    }
    victim.destroyForcibly(); // SIGKILL
    victim.waitFor();
    assertThat(run(home, config, "partner-events", null)).isZero();

    List<Load> sent = new ArrayList<>(loads("events-sharethis", null));
    sent.addAll(loads("events-33across", null));
    assertThat(sent).hasSize(12 + 6).allMatch(load -> load.status() == LoadStatus.ARCHIVED);
    assertThat(sent)
        .anyMatch(load -> load.message().orElse("").contains("its events were already in Kafka"));
    JsonNode views =
        JSON.readTree(home.resolve("expected/browsing/summary.json").toFile()).path("page_views");
    Map<String, long[]> topics = committedEvents(platform.kafkaBootstrapServers());
    long[] st = topics.get(StreamTopics.ingested(StreamTopics.SHARETHIS));
    long[] tt = topics.get(StreamTopics.ingested(StreamTopics.THIRTYTHREEACROSS));
    assertThat(st)
        .as("ingested-st records, distinct ids")
        .containsExactly(views.path("sharethis").asLong(), views.path("sharethis").asLong());
    assertThat(tt)
        .as("ingested-tt records, distinct ids")
        .containsExactly(views.path("33across").asLong(), views.path("33across").asLong());
    assertThat(sent.stream().mapToLong(load -> load.rowsWritten().orElse(0L)).sum())
        .isEqualTo(st[0] + tt[0]);
  }

  /** Per topic, the committed records and their distinct event ids. */
  private static Map<String, long[]> committedEvents(String bootstrapServers) throws Exception {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, long[]> counts = new java.util.TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      for (String topic :
          List.of(
              StreamTopics.ingested(StreamTopics.SHARETHIS),
              StreamTopics.ingested(StreamTopics.THIRTYTHREEACROSS))) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long records = 0;
        Set<String> ids = new HashSet<>();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            records++;
            ids.add(JSON.readTree(record.value()).path("event_id").asText());
          }
        }
        counts.put(topic, new long[] {records, ids.size()});
      }
    }
    return counts;
  }

  private static List<Path> files(Path folder) throws Exception {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** The landed ShareThis files a listing sees (hidden partial copies are not). */
  private static List<Path> visibleLanded(Path home) throws Exception {
    Path landed = home.resolve("landing").resolve("sharethis");
    if (!Files.exists(landed)) {
      return List.of();
    }
    return files(landed).stream()
        .filter(path -> !path.getFileName().toString().startsWith("."))
        .toList();
  }

  private static List<Load> loads(String feed, LoadStatus status) {
    return new JdbcLoadLedger(TestPlatform.get().metadata().dataSource())
        .list(Optional.ofNullable(status), Optional.of(feed), Optional.empty(), 10_000);
  }

  private static int run(Path home, Path config, String job, String crashPoint) throws Exception {
    Process process = start(home, config, job, crashPoint);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(job + " finished in time").isTrue();
    return process.exitValue();
  }

  private static Process start(Path home, Path config, String job, String crashPoint)
      throws Exception {
    return AdlakeProcess.start(
        home.resolve("output.log"),
        "1g",
        crashPoint == null ? List.of() : List.of("-Dadlake.test.crash-point=" + crashPoint),
        List.of("--home", home.toString(), "--config", config.toString(), "run", job));
  }
}
