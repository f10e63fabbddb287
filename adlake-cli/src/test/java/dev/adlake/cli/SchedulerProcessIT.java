package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.Run;
import dev.adlake.core.metadata.RunStatus;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code adlake scheduler} as a process: it runs a configured schedule, each due run once. */
class SchedulerProcessIT {
  @Test
  void theSchedulerRunsAConfiguredJobOnItsCronUntilStopped() throws Exception {
    Platform platform = TestPlatform.get();
    Path home = platform.config().home().resolve("processes").resolve("scheduler");
    Files.createDirectories(home.resolve("landing").resolve("ticks"));
    Files.writeString(home.resolve("landing").resolve("ticks").resolve("a.csv"), "id\n1\n2\n");
    Path config = home.resolve("adlake.yaml");
    Files.writeString(
        config,
        """
        metadata:
          jdbc-url: "%s"
          password: "%s"
        spark:
          master: local[1]
          shuffle-partitions: 2
        feeds:
          sched-ticks:
            prefix: ticks/
            format: csv
            schema: "id int not null"
            table: sched_it.ticks
        schedules:
          every-two-seconds:
            cron: "*/2 * * * * *"
            job: ingest-sched-ticks
        jobs:
          ingest-sched-ticks:
            retries: 1
        """
            .formatted(
                platform.metadata().jdbcUrl(), platform.metadata().password().orElseThrow()));
    Path output = home.resolve("scheduler-output.log");
    Process scheduler =
        AdlakeProcess.start(
            output,
            "1g",
            List.of(),
            List.of("--home", home.toString(), "--config", config.toString(), "scheduler"));
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> scheduledRuns(platform).size() >= 3);
    } finally {
      scheduler.destroy();
    }
    assertThat(scheduler.waitFor(60, TimeUnit.SECONDS)).isTrue();

    List<String> triggers = scheduledRuns(platform);
    assertThat(triggers).doesNotHaveDuplicates();
    List<Run> runs =
        new JdbcRunLedger(platform.metadata().dataSource())
            .recent(Optional.of("ingest-sched-ticks"), 100);
    assertThat(runs).allMatch(run -> run.pipelineRunId().isPresent());
    assertThat(runs).filteredOn(run -> run.status() == RunStatus.SUCCEEDED).isNotEmpty();
    // The file is loaded by the first run, once; later runs find nothing new.
    assertThat(
            runs.stream().mapToLong(run -> run.figures().getOrDefault("files_archived", 0L)).sum())
        .isEqualTo(1);
    assertThat(Files.readString(output))
        .contains("every-two-seconds    */2 * * * * *    job ingest-sched-ticks")
        .contains("running 1 schedule(s)")
        .containsPattern("every-two-seconds due at .*: pipeline run \\d+ succeeded, 1 succeeded");
  }

  /** The triggers of the schedule's pipeline runs, one per due time. */
  private static List<String> scheduledRuns(Platform platform) throws Exception {
    List<String> triggers = new ArrayList<>();
    try (Connection connection = platform.metadata().dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT trigger FROM adlake.pipeline_runs WHERE trigger LIKE"
                    + " 'schedule every-two-seconds,%' AND status = 'succeeded'")) {
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          triggers.add(rows.getString(1));
        }
      }
    }
    return triggers;
  }
}
