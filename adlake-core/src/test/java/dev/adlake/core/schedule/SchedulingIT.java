package dev.adlake.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.JobPolicy;
import dev.adlake.core.config.ScheduleEntry;
import dev.adlake.core.config.SchedulerConfig;
import dev.adlake.core.job.JobCatalog;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.job.Services;
import dev.adlake.core.job.TestingJob;
import dev.adlake.core.metadata.Alert;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.metadata.Run;
import dev.adlake.core.metadata.RunStatus;
import dev.adlake.core.metadata.TestPostgres;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.run.PipelineExecutor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Pipelines and the scheduler on a real PostgreSQL: retries with backoff, dependents after a
 * retried job, deadlines, timeouts, and two schedulers sharing one database.
 */
class SchedulingIT {
  private final MetadataStore store = TestPostgres.store();
  private final JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());

  private PipelineExecutor executor(
      JobCatalog catalog, Map<String, JobPolicy> policies, int parallelism) {
    JobRunner runner =
        new JobRunner(
            ledger,
            Services.none(),
            job -> policies.getOrDefault(job, JobPolicy.DEFAULT),
            Optional.of(new JdbcLocks(store.dataSource())));
    return new PipelineExecutor(
        catalog,
        runner,
        new JdbcPipelineRuns(store.dataSource()),
        Optional.of(new JdbcAlerts(store.dataSource())),
        parallelism);
  }

  /** A scheduler polling every 100 ms with one schedule: the job, every second. */
  private static SchedulerConfig everySecond(String schedule, String job) {
    return new SchedulerConfig(
        2,
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        2,
        Map.of(),
        List.of(
            new ScheduleEntry(
                schedule,
                "* * * * * *",
                Optional.of(job),
                Optional.empty(),
                Optional.empty(),
                Map.of())));
  }

  private static PipelineExecutor.Result runAll(
      PipelineExecutor executor, JobCatalog catalog, Instant due) {
    return executor.run(
        Pipeline.of(catalog.definitions()),
        "test",
        due,
        Map.of(),
        new PipelineExecutor.Listener() {});
  }

  @Test
  void aJobThatFailsTwiceIsRetriedWithBackoffAndItsDependentsRunAfterIt() {
    AtomicInteger calls = new AtomicInteger();
    JobCatalog catalog = new JobCatalog();
    // Added first, but it reads what the flaky job writes: it must run second.
    catalog.add(
        TestingJob.of(
            "retry-dependent",
            List.of("t.retry_a"),
            List.of("t.retry_b"),
            context -> JobResult.of(1, 1)));
    catalog.add(
        TestingJob.of(
            "retry-flaky",
            List.of(),
            List.of("t.retry_a"),
            context -> {
              if (calls.incrementAndGet() <= 2) {
                throw new ExternalFailureException(
                    "the source is not there yet (" + calls.get() + ")", null);
              }
              return JobResult.of(5, 5);
            }));
    Duration backoff = Duration.ofMillis(300);
    PipelineExecutor executor =
        executor(catalog, Map.of("retry-flaky", JobPolicy.DEFAULT.withRetries(3, backoff)), 2);

    PipelineExecutor.Result result = runAll(executor, catalog, Instant.now());

    assertThat(result.ok()).isTrue();
    List<Run> runs = ledger.ofPipelineRun(result.pipelineRunId());
    assertThat(runs)
        .extracting(Run::jobName, Run::attempt, Run::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("retry-flaky", 1, RunStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple("retry-flaky", 2, RunStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple("retry-flaky", 3, RunStatus.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("retry-dependent", 1, RunStatus.SUCCEEDED));
    assertThat(runs.get(0).error().orElseThrow()).contains("the source is not there yet (1)");
    // Exponential backoff: 300 ms before the second attempt, 600 ms before the third.
    assertThat(Duration.between(runs.get(0).endedAt().orElseThrow(), runs.get(1).startedAt()))
        .isGreaterThanOrEqualTo(backoff);
    assertThat(Duration.between(runs.get(1).endedAt().orElseThrow(), runs.get(2).startedAt()))
        .isGreaterThanOrEqualTo(backoff.multipliedBy(2));
    assertThat(runs.get(2).waited()).isGreaterThanOrEqualTo(backoff.multipliedBy(2));
    assertThat(runs.get(3).startedAt()).isAfterOrEqualTo(runs.get(2).endedAt().orElseThrow());
  }

  @Test
  void aJobThatFailsForGoodSkipsItsDependentsAndBadInputIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    JobCatalog catalog = new JobCatalog();
    catalog.add(
        TestingJob.of(
            "bad-input",
            List.of(),
            List.of("t.bad_a"),
            context -> {
              calls.incrementAndGet();
              throw new dev.adlake.core.InvalidInputException(
                  "Cannot read x.csv: line 3 has 2 fields");
            }));
    catalog.add(
        TestingJob.of(
            "bad-dependent",
            List.of("t.bad_a"),
            List.of("t.bad_b"),
            context -> JobResult.of(0, 0)));
    PipelineExecutor executor =
        executor(
            catalog,
            Map.of("bad-input", JobPolicy.DEFAULT.withRetries(3, Duration.ofMillis(10))),
            2);

    PipelineExecutor.Result result = runAll(executor, catalog, Instant.now());

    assertThat(result.ok()).isFalse();
    assertThat(calls).hasValue(1);
    assertThat(result.failed().get("bad-input")).hasMessageContaining("line 3 has 2 fields");
    assertThat(result.skipped()).containsEntry("bad-dependent", "bad-input failed");
  }

  @Test
  void aMissedDeadlineIsRecordedAndAMetOneIsNot() {
    JobCatalog catalog = new JobCatalog();
    catalog.add(
        TestingJob.of(
            "deadline-slow",
            List.of(),
            List.of("t.deadline_a"),
            context -> {
              Thread.sleep(1_500);
              return JobResult.of(0, 0);
            }));
    catalog.add(
        TestingJob.of(
            "deadline-fast", List.of(), List.of("t.deadline_b"), context -> JobResult.of(0, 0)));
    Instant due = Instant.now();
    PipelineExecutor executor =
        executor(
            catalog,
            Map.of(
                "deadline-slow", JobPolicy.DEFAULT.withDeadline(Duration.ofMillis(400)),
                "deadline-fast", JobPolicy.DEFAULT.withDeadline(Duration.ofMinutes(5))),
            2);

    PipelineExecutor.Result result = runAll(executor, catalog, due);

    assertThat(result.ok()).isTrue();
    List<Alert> alerts =
        new JdbcAlerts(store.dataSource())
            .recent(100).stream().filter(alert -> alert.subject().startsWith("deadline-")).toList();
    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.kind()).isEqualTo(Alert.DEADLINE_MISSED);
    assertThat(alert.subject()).isEqualTo("deadline-slow");
    // PostgreSQL keeps microseconds, rounded.
    assertThat(alert.dueAt()).isBetween(due.minusMillis(1), due.plusMillis(1));
    assertThat(alert.message())
        .contains("has not succeeded by its deadline")
        .contains("still running");
    // Raised at the deadline, while the job still ran, not when it ended.
    assertThat(alert.raisedAt()).isBefore(due.plusMillis(1_400));
  }

  @Test
  void anAttemptPastItsTimeoutFailsAndIsRetried() {
    AtomicInteger calls = new AtomicInteger();
    JobCatalog catalog = new JobCatalog();
    catalog.add(
        TestingJob.of(
            "timeout-job",
            List.of(),
            List.of("t.timeout_a"),
            context -> {
              if (calls.incrementAndGet() == 1) {
                Thread.sleep(10_000);
              }
              return JobResult.of(0, 0);
            }));
    PipelineExecutor executor =
        executor(
            catalog,
            Map.of(
                "timeout-job",
                JobPolicy.DEFAULT
                    .withRetries(1, Duration.ofMillis(10))
                    .withTimeout(Duration.ofMillis(500))),
            1);

    PipelineExecutor.Result result = runAll(executor, catalog, Instant.now());

    assertThat(result.ok()).isTrue();
    List<Run> runs = ledger.ofPipelineRun(result.pipelineRunId());
    assertThat(runs).extracting(Run::status).containsExactly(RunStatus.FAILED, RunStatus.SUCCEEDED);
    assertThat(runs.get(0).error().orElseThrow()).contains("timed out after 500 ms");
    assertThat(runs.get(0).duration()).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void twoSchedulersAgainstOneDatabaseNeverRunOneRunTwice() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    JobCatalog catalog = new JobCatalog();
    catalog.add(
        TestingJob.of(
            "every-second",
            List.of(),
            List.of("t.every_second"),
            context -> {
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              Thread.sleep(300);
              running.decrementAndGet();
              return JobResult.of(1, 1);
            }));
    SchedulerConfig config = everySecond("twice-test", "every-second");
    Pipeline pipeline = Pipeline.of(catalog.definitions());
    List<String> picked = java.util.Collections.synchronizedList(new ArrayList<>());
    PipelineScheduler.Listener listener =
        new PipelineScheduler.Listener() {
          @Override
          public void due(ScheduleEntry schedule, Instant dueAt) {
            picked.add(dueAt.toString());
          }
        };
    try (PipelineScheduler first =
            new PipelineScheduler(
                store.dataSource(),
                config,
                pipeline,
                executor(catalog, Map.of(), 1),
                "first",
                listener);
        PipelineScheduler second =
            new PipelineScheduler(
                store.dataSource(),
                config,
                pipeline,
                executor(catalog, Map.of(), 1),
                "second",
                listener)) {
      first.start();
      second.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> picked.size() >= 6);
    }

    Map<String, Integer> byTrigger = new HashMap<>();
    try (Connection connection = store.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT trigger, count(*) FROM adlake.pipeline_runs"
                    + " WHERE trigger LIKE 'schedule twice-test,%' GROUP BY trigger")) {
      while (rows.next()) {
        byTrigger.put(rows.getString(1), rows.getInt(2));
      }
    }
    assertThat(byTrigger).hasSizeGreaterThanOrEqualTo(6);
    assertThat(byTrigger.values()).allMatch(count -> count == 1);
    assertThat(picked).doesNotHaveDuplicates();
    List<Run> runs = ledger.recent(Optional.of("every-second"), 1000);
    assertThat(runs).hasSize(byTrigger.size());
    assertThat(runs.stream().map(Run::pipelineRunId).distinct().count()).isEqualTo(runs.size());
    // The job's concurrency cap (one by default) held across both schedulers.
    assertThat(mostAtOnce).hasValue(1);
    assertThat(runs.stream().max(Comparator.comparing(Run::startedAt))).isPresent();
  }

  @Test
  void aScheduledJobWaitsForTheRunningJobThatWritesItsInput() throws Exception {
    JobCatalog catalog = new JobCatalog();
    catalog.add(
        TestingJob.of(
            "fresh-upstream",
            List.of(),
            List.of("t.fresh_a"),
            context -> {
              Thread.sleep(2_000);
              return JobResult.of(1, 1);
            }));
    catalog.add(
        TestingJob.of(
            "fresh-downstream",
            List.of("t.fresh_a"),
            List.of("t.fresh_b"),
            context -> JobResult.of(1, 1)));
    PipelineExecutor executor = executor(catalog, Map.of(), 2);
    JobRunner runner = new JobRunner(ledger, Services.none());
    Thread upstream =
        new Thread(() -> runner.run(catalog.get("fresh-upstream"), Map.of(), line -> {}));
    upstream.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ledger.running("fresh-upstream"));
    List<String> waitedFor = java.util.Collections.synchronizedList(new ArrayList<>());
    SchedulerConfig config = everySecond("fresh-test", "fresh-downstream");
    try (PipelineScheduler scheduler =
        new PipelineScheduler(
            store.dataSource(),
            config,
            Pipeline.of(catalog.definitions()),
            executor,
            "fresh",
            new PipelineScheduler.Listener() {
              @Override
              public void waiting(ScheduleEntry schedule, List<String> jobs) {
                waitedFor.addAll(jobs);
              }
            })) {
      scheduler.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !ledger.recent(Optional.of("fresh-downstream"), 1).isEmpty()
                      && ledger.recent(Optional.of("fresh-downstream"), 1).get(0).status()
                          == RunStatus.SUCCEEDED);
    }
    upstream.join();
    Run up = ledger.recent(Optional.of("fresh-upstream"), 1).get(0);
    Run first =
        ledger.recent(Optional.of("fresh-downstream"), 100).stream()
            .min(Comparator.comparing(Run::startedAt))
            .orElseThrow();
    assertThat(waitedFor).contains("fresh-upstream");
    assertThat(first.startedAt()).isAfterOrEqualTo(up.endedAt().orElseThrow());
    // Its wait counts from when it was due.
    assertThat(first.waited()).isPositive();
  }
}
