package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.generator.truth.HourlyTruthCheck;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real `adlake ingest` processes on one ledger: killed mid-load and rerun, halted right after a
 * commit and rerun, and two at once. Each ends with exactly the generator's truth in the table and
 * every file archived once.
 */
class IngestProcessesIT {
  private static final String SCHEMA =
      "ad_id int not null, campaign_id int not null, advertiser_id int not null,"
          + " timestamp timestamp not null, impression_id string not null, ip string,"
          + " user_id string, event string not null, url string, user_agent string";

  /** A home with generated events and a config pointing at the test's PostgreSQL. */
  private record Scenario(Path home, Path config, String feed, String table, int files) {}

  private static Scenario scenario(String name) throws IOException {
    Platform platform = TestPlatform.get();
    Path home = platform.config().home().resolve("processes").resolve(name);
    String table = name + ".adserver__events";
    Path config = home.resolve("adlake.yaml");
    Files.createDirectories(home);
    Files.writeString(
        config,
        """
        metadata:
          jdbc-url: "%s"
          password: "%s"
        spark:
          master: local[1]
          shuffle-partitions: 2
        ingest:
          batch-files: 4
        feeds:
          %s:
            prefix: adserver/events/
            format: tsv
            table: %s
            event-time: timestamp
            schema: "%s"
        """
            .formatted(
                platform.metadata().jdbcUrl(),
                platform.metadata().password().orElseThrow(),
                name,
                table,
                SCHEMA));
    AdDataGenerator.generate(
        new GeneratorOptions(
            11L,
            LocalDate.of(2026, 11, 1),
            1,
            12_000,
            home.resolve("landing"),
            home.resolve("expected"),
            2),
        (done, total) -> {});
    int files;
    try (Stream<Path> walk =
        Files.walk(home.resolve("landing").resolve(BuiltInFeeds.ADSERVER_EVENTS))) {
      files = (int) walk.filter(Files::isRegularFile).count();
    }
    return new Scenario(home, config, name, table, files);
  }

  private static Process ingest(Scenario scenario, String... jvmFlags) throws IOException {
    return AdlakeProcess.start(
        scenario.home().resolve("ingest-output.log"),
        "1g",
        List.of(jvmFlags),
        List.of(
            "--home",
            scenario.home().toString(),
            "--config",
            scenario.config().toString(),
            "ingest"));
  }

  private static int await(Process process) throws InterruptedException {
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("ingest finished in time").isTrue();
    return process.exitValue();
  }

  private static List<Load> loads(String feed) {
    return new JdbcLoadLedger(TestPlatform.get().metadata().dataSource())
        .list(Optional.empty(), Optional.of(feed), Optional.empty(), 10_000);
  }

  /** The table equals the truth and every file was loaded once and archived once. */
  private static void assertExactlyOnce(Scenario scenario) throws IOException {
    HourlyTruthCheck.Comparison comparison =
        HourlyTruthCheck.impressions(
            TestPlatform.get().spark(),
            scenario.table(),
            scenario.home().resolve("expected").resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE));
    assertThat(comparison.mismatches()).isEmpty();
    assertThat(comparison.exact()).isTrue();
    // One load per file, each archived, each file in the archive once.
    List<Load> loads = loads(scenario.feed());
    assertThat(loads).hasSize(scenario.files());
    assertThat(loads).allMatch(load -> load.status() == LoadStatus.ARCHIVED);
    assertThat(loads.stream().map(Load::objectKey).distinct().count()).isEqualTo(scenario.files());
    try (Stream<Path> archived = Files.walk(scenario.home().resolve("archive"))) {
      List<Path> files = archived.filter(Files::isRegularFile).toList();
      assertThat(files).hasSize(scenario.files());
      assertThat(files).noneMatch(file -> file.getFileName().toString().contains(".load-"));
    }
    try (Stream<Path> left =
        Files.walk(scenario.home().resolve("landing").resolve(BuiltInFeeds.ADSERVER_EVENTS))) {
      assertThat(left.filter(Files::isRegularFile).count()).isZero();
    }
    // Every row written once: the table holds exactly the rows the loads report written.
    long written = loads.stream().mapToLong(load -> load.rowsWritten().orElse(0L)).sum();
    assertThat(TestPlatform.get().spark().table(scenario.table()).count()).isEqualTo(written);
  }

  @Test
  void aProcessHaltedRightAfterACommitIsCompletedByTheNextRun() throws Exception {
    Scenario scenario = scenario("halted");
    Process halted = ingest(scenario, "-Dadlake.test.crash-point=after-commit");
    assertThat(await(halted)).isEqualTo(137);
    List<Load> stranded =
        loads(scenario.feed()).stream()
            .filter(load -> load.status() == LoadStatus.INGESTING)
            .toList();
    // The first batch (4 files, one commit) is in the lake; the ledger does not know it yet.
    assertThat(stranded).hasSize(4);

    assertThat(await(ingest(scenario))).isZero();

    for (Load load : stranded) {
      Load completed =
          new JdbcLoadLedger(TestPlatform.get().metadata().dataSource())
              .find(load.id())
              .orElseThrow();
      assertThat(completed.status()).isEqualTo(LoadStatus.ARCHIVED);
      assertThat(completed.attempts()).isEqualTo(1);
      assertThat(completed.message())
          .hasValueSatisfying(
              message -> assertThat(message).contains("its commit was already in the lake"));
    }
    assertExactlyOnce(scenario);
    // No branch of the interrupted batch is left on the table.
    assertThat(
            dev.adlake.spark.LakeTables.load(TestPlatform.get().spark(), scenario.table())
                .refs()
                .keySet())
        .containsExactly("main");
  }

  @Test
  void aProcessKilledMidLoadLeavesNothingLostOrDoubled() throws Exception {
    Scenario scenario = scenario("killed");
    Process victim = ingest(scenario);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      long archived =
          loads(scenario.feed()).stream()
              .filter(
                  load ->
                      load.status() == LoadStatus.ARCHIVED
                          && load.storedKey()
                              .map(key -> key.startsWith(scenario.home().toString()))
                              .orElse(false))
              .count();
      if (archived >= 5) {
        break;
      }
      Thread.sleep(50);
    }
    victim.destroyForcibly(); // SIGKILL
    victim.waitFor();
    assertThat(victim.exitValue()).isEqualTo(137);

    assertThat(await(ingest(scenario))).isZero();
    assertExactlyOnce(scenario);
  }

  @Test
  void twoProcessesAtOnceNeverLoadTheSameFile() throws Exception {
    Scenario scenario = scenario("together");
    Process one = ingest(scenario);
    Process two = ingest(scenario);
    assertThat(await(one)).isZero();
    assertThat(await(two)).isZero();
    assertExactlyOnce(scenario);
    String output = Files.readString(scenario.home().resolve("ingest-output.log"));
    assertThat(output).contains("archived");
  }
}
