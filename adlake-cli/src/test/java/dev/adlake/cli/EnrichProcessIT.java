package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.generator.stream.StreamEventGenerator;
import dev.adlake.generator.stream.StreamGeneratorOptions;
import dev.adlake.generator.stream.StreamTruth;
import dev.adlake.generator.truth.StreamTruthCheck;
import dev.adlake.kafka.EventProducer;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A real {@code adlake enrich} process killed with SIGKILL while it works through a backlog, then
 * {@code adlake enrich --once}: the events table ends with every event of the truth once.
 */
class EnrichProcessIT {
  @Test
  void anEnricherKilledMidStreamLosesAndDoublesNothing() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    Path home = platform.config().home().resolve("processes").resolve("enrich-killed");
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
          master: local[2]
        enrich:
          pseudonym-key: "a-test-key-that-is-long-enough"
          trigger-seconds: 1
          max-events-per-batch: 5000
        """
            .formatted(
                platform.metadata().jdbcUrl(),
                platform.metadata().password().orElseThrow(),
                platform.kafkaBootstrapServers()));
    StreamEventGenerator generator =
        new StreamEventGenerator(StreamGeneratorOptions.defaults(60_000, Instant.now()));
    new EventProducer(platform.kafkaBootstrapServers(), 2).send(generator, 0, (sent, rate) -> {});
    StreamTruth truth = generator.truth();
    String events = EventsTables.DEFAULT.events();

    Process victim = enrich(home, config);
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline
        && !(spark.catalog().tableExists(events) && spark.table(events).count() >= 10_000)) {
      Thread.sleep(200);
    }
    victim.destroyForcibly(); // SIGKILL, wherever it is in a batch
    victim.waitFor();
    assertThat(victim.exitValue()).isEqualTo(137);
    long beforeRestart = spark.table(events).count();
    assertThat(beforeRestart)
        .as("killed mid-stream")
        .isBetween(1L, truth.total().distinctValidEvents() - 1);

    Process resumed = enrich(home, config, "--once");
    assertThat(resumed.waitFor(5, TimeUnit.MINUTES)).as("enrich --once finished").isTrue();
    assertThat(resumed.exitValue())
        .as(Files.readString(home.resolve("enrich-output.log")))
        .isZero();

    StreamTruthCheck.Comparison comparison =
        StreamTruthCheck.compare(
            spark, EventsTables.DEFAULT.events(), EventsTables.DEFAULT.failedEvents(), truth);
    assertThat(comparison.differences()).isEmpty();
  }

  private static Process enrich(Path home, Path config, String... options) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("--home", home.toString(), "--config", config.toString(), "enrich"));
    args.addAll(List.of(options));
    return AdlakeProcess.start(home.resolve("enrich-output.log"), "2g", List.of(), args);
  }
}
