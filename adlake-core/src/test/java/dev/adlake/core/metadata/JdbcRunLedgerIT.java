package dev.adlake.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.ConflictException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Services;
import dev.adlake.core.job.TestingJob;
import dev.adlake.core.run.JobRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs are recorded in a real PostgreSQL, started from the packaged binaries. */
class JdbcRunLedgerIT {
  @TempDir static Path home;
  static EmbeddedPostgresServer postgres;
  static MetadataStore store;

  static final JobDefinition JOB =
      new JobDefinition(
          "ledger-test-job",
          Domain.MAINTENANCE,
          JobKind.BATCH,
          "test",
          List.of(Dataset.table("raw.a")),
          List.of(Dataset.table("raw.b")),
          List.of());

  @BeforeAll
  static void start() {
    postgres =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"),
            home.resolve("work"),
            home.resolve("logs/pg.log"),
            0,
            home.resolve("secrets/postgres-password"));
    store =
        MetadataStore.open(
            postgres.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.of(postgres.password()), 4);
  }

  @AfterAll
  static void stop() {
    store.close();
    postgres.close();
  }

  @Test
  void recordsASucceededRunWithItsCounts() {
    JobRunner runner = new JobRunner(new JdbcRunLedger(store.dataSource()), Services.none());
    JobRunner.Outcome outcome =
        runner.run(
            new TestingJob(JOB, context -> new JobResult(10, 8, Map.of("rejected", 2L))),
            Map.of(),
            line -> {});
    Run run = new JdbcRunLedger(store.dataSource()).find(outcome.runId()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(run.jobName()).isEqualTo("ledger-test-job");
    assertThat(run.domain()).isEqualTo("maintenance");
    assertThat(run.rowsIn()).contains(10L);
    assertThat(run.rowsOut()).contains(8L);
    assertThat(run.figures()).containsEntry("rejected", 2L);
    assertThat(run.endedAt()).isPresent();
  }

  @Test
  void recordsAFailedRunWithItsErrorAndRethrows() {
    JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());
    JobRunner runner = new JobRunner(ledger, Services.none());
    assertThatThrownBy(
            () ->
                runner.run(
                    new TestingJob(
                        JOB,
                        context -> {
                          throw new InvalidInputException("Cannot load x: line 3 has 2 fields");
                        }),
                    Map.of(),
                    line -> {}))
        .isInstanceOf(InvalidInputException.class);
    Run run = ledger.recent(Optional.of("ledger-test-job"), 1).get(0);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error()).contains("InvalidInputException: Cannot load x: line 3 has 2 fields");
  }

  @Test
  void aJobOutOfMemoryFailsWithItsNameItsLastStepAndTheSettingToChange() {
    JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());
    JobRunner runner = new JobRunner(ledger, Services.none());
    assertThatThrownBy(
            () ->
                runner.run(
                    new TestingJob(
                        JOB,
                        context -> {
                          context.progress().accept("joining the ids");
                          // As a Spark task's failure reaches the driver: the error as text.
                          throw new IllegalStateException(
                              "Job aborted: Task 3 failed: java.lang.OutOfMemoryError: Java heap"
                                  + " space");
                        }),
                    Map.of(),
                    line -> {}))
        .isInstanceOf(dev.adlake.core.AdlakeException.class)
        .hasMessageContaining("Job ledger-test-job ran out of memory")
        .hasMessageContaining("after: joining the ids")
        .hasMessageContaining("ADLAKE_JAVA_OPTS=-Xmx");
    Run run = ledger.recent(Optional.of("ledger-test-job"), 1).get(0);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.error())
        .hasValueSatisfying(error -> assertThat(error).contains("out of memory"));
  }

  @Test
  void theEmbeddedServerIsDurable() throws Exception {
    try (var connection = store.dataSource().getConnection();
        var statement = connection.createStatement();
        var result = statement.executeQuery("SHOW fsync")) {
      result.next();
      assertThat(result.getString(1)).isEqualTo("on");
    }
  }

  @Test
  void aRunEndsOnce() {
    JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());
    long runId = ledger.start(JOB, Map.of());
    ledger.succeed(runId, JobResult.of(1, 1));
    assertThatThrownBy(() -> ledger.fail(runId, "late failure"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("has already ended");
  }

  @Test
  void dataSurvivesARestartOfTheServer() {
    JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());
    long runId = ledger.start(JOB, Map.of("day", "2026-11-01"));
    store.close();
    postgres.close();
    postgres =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"),
            home.resolve("work"),
            home.resolve("logs/pg.log"),
            0,
            home.resolve("secrets/postgres-password"));
    store =
        MetadataStore.open(
            postgres.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.of(postgres.password()), 4);
    Run run = new JdbcRunLedger(store.dataSource()).find(runId).orElseThrow();
    assertThat(run.parameters()).containsEntry("day", "2026-11-01");
    assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void runsOfEndedProcessesAreMarkedFailed() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    long runId;
    try (var connection = store.dataSource().getConnection();
        var statement =
            connection.prepareStatement(
                "INSERT INTO adlake.job_runs (job_name, domain, status, host, pid)"
                    + " VALUES ('ledger-test-job', 'maintenance', 'running', ?, ?) RETURNING run_id")) {
      statement.setString(1, java.net.InetAddress.getLocalHost().getHostName());
      statement.setLong(2, ended.pid());
      try (var keys = statement.executeQuery()) {
        keys.next();
        runId = keys.getLong(1);
      }
    }
    JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());
    long alive = ledger.start(JOB, Map.of());

    assertThat(ledger.failAbandoned()).isEqualTo(1);
    Run abandoned = ledger.find(runId).orElseThrow();
    assertThat(abandoned.status()).isEqualTo(RunStatus.FAILED);
    assertThat(abandoned.error())
        .hasValueSatisfying(
            error -> assertThat(error).startsWith("Abandoned: process " + ended.pid()));
    assertThat(ledger.find(alive).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void aSecondProcessAttachesToTheRunningServer() {
    EmbeddedPostgresServer second =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"),
            home.resolve("work"),
            home.resolve("logs/pg.log"),
            0,
            home.resolve("secrets/postgres-password"));
    assertThat(second.owned()).isFalse();
    assertThat(second.port()).isEqualTo(postgres.port());
    second.close();
    // Closing the attached handle leaves the owner's server running.
    assertThat(new JdbcRunLedger(store.dataSource()).recent(Optional.empty(), 1)).isNotNull();
  }
}
