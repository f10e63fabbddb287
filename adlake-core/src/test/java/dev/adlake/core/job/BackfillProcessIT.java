package dev.adlake.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.metadata.Backfill;
import dev.adlake.core.metadata.JdbcBackfills;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.metadata.Run;
import dev.adlake.core.metadata.RunStatus;
import dev.adlake.core.metadata.TestPostgres;
import dev.adlake.core.run.BackfillRunner;
import dev.adlake.core.run.JobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Backfills are resumable: a process killed with SIGKILL mid-way leaves each day done once. */
class BackfillProcessIT {
  private final MetadataStore store = TestPostgres.store();
  private final JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());

  private Process start(String job, String hangOn, Path log) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BackfillProcess.class.getName());
    command.add(store.jdbcUrl());
    command.add(job);
    command.add(hangOn);
    ProcessBuilder builder = new ProcessBuilder(command);
    // The password goes in the environment, not on the command line other users can see.
    builder.environment().put("PGPASSWORD", store.password().orElseThrow());
    return builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  @Test
  void aBackfillKilledInTheMiddleResumesAndDoesEachDayOnce() throws Exception {
    String job = "backfill-killed";
    Path log = Files.createTempFile("backfill", ".log");
    Process first = start(job, "2026-11-02", log);
    // Day one done, day two running: kill -9.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                ledger.recent(Optional.of(job), 10).stream()
                    .anyMatch(
                        run ->
                            run.status() == RunStatus.RUNNING
                                && run.parameters().get(JobDefinition.DAY).equals("2026-11-02")));
    first.destroyForcibly();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);

    Process second = start(job, "none", log);
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).as(Files.readString(log)).isZero();

    List<Run> runs = ledger.recent(Optional.of(job), 100);
    Map<String, Long> succeededByDay =
        runs.stream()
            .filter(run -> run.status() == RunStatus.SUCCEEDED)
            .collect(
                Collectors.groupingBy(
                    run -> run.parameters().get(JobDefinition.DAY), Collectors.counting()));
    assertThat(succeededByDay)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("2026-11-01", 1L, "2026-11-02", 1L, "2026-11-03", 1L));
    // The killed attempt is recorded as failed, abandoned by its process.
    assertThat(runs)
        .filteredOn(run -> run.status() == RunStatus.FAILED)
        .singleElement()
        .satisfies(run -> assertThat(run.error().orElseThrow()).startsWith("Abandoned"));
    assertThat(runs.stream().map(Run::backfillId).distinct().toList()).hasSize(1);
    assertThat(Files.readString(log))
        .contains("2026-11-01 DONE\n")
        .contains("2026-11-01 DONE_BEFORE")
        .contains("2026-11-02 DONE\n")
        .contains("2026-11-03 DONE\n");
    Backfill backfill =
        new JdbcBackfills(store.dataSource())
            .recent(10).stream()
                .filter(candidate -> candidate.jobName().equals(job))
                .findFirst()
                .orElseThrow();
    assertThat(backfill.status()).isEqualTo(RunStatus.SUCCEEDED);
  }

  @Test
  void aSecondBackfillSkipsDaysAlreadyDoneUnlessForced() {
    String job = "backfill-skips";
    JobCatalog catalog = new JobCatalog().add(BackfillProcess.job(job, Optional.empty()));
    BackfillRunner backfills =
        new BackfillRunner(
            catalog,
            new JobRunner(ledger, Services.none()),
            ledger,
            new JdbcBackfills(store.dataSource()),
            new JdbcLocks(store.dataSource()));
    LocalDate first = LocalDate.parse("2026-10-01");
    List<String> states = new ArrayList<>();
    BackfillRunner.Listener listener =
        new BackfillRunner.Listener() {
          @Override
          public void day(
              LocalDate day, BackfillRunner.DayState state, Optional<JobRunner.Outcome> outcome) {
            states.add(day.getDayOfMonth() + " " + state);
          }
        };
    backfills.run(job, first, first.plusDays(1), false, Map.of(), listener);
    backfills.run(job, first, first.plusDays(2), false, Map.of(), listener);
    backfills.run(job, first.plusDays(2), first.plusDays(2), true, Map.of(), listener);

    assertThat(states)
        .containsExactly(
            "1 DONE", "2 DONE", "1 ALREADY_DONE", "2 ALREADY_DONE", "3 DONE", "3 DONE");
    assertThatThrownBy(
            () -> backfills.run(job, first.plusDays(1), first, false, Map.of(), listener))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the first day is after the last");
  }
}
