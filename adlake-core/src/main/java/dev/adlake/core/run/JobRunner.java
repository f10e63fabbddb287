package dev.adlake.core.run;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.config.JobPolicy;
import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Services;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.metadata.RunLedger;
import dev.adlake.core.metadata.RunStart;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs jobs and records every attempt in the run ledger, under each job's {@link JobPolicy}: a
 * concurrency slot held across processes while it runs, a timeout per attempt, and retries with
 * exponential backoff when an attempt fails for a reason other than bad input. The last failure is
 * rethrown when no attempt is left.
 */
public final class JobRunner {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobRunner.class);

  /** A finished run: its id and what it reported. */
  public record Outcome(long runId, JobResult result) {}

  /** How long to wait between two looks for a free concurrency slot. */
  private static final Duration SLOT_POLL = Duration.ofMillis(100);

  private final RunLedger ledger;
  private final Services services;
  private final Function<String, JobPolicy> policies;
  private final Optional<JdbcLocks> locks;
  private final ExecutorService attempts =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "adlake-job");
            thread.setDaemon(true);
            return thread;
          });

  /** A runner of single attempts with no cap on concurrent runs. */
  public JobRunner(RunLedger ledger, Services services) {
    this(ledger, services, job -> JobPolicy.DEFAULT, Optional.empty());
  }

  /**
   * @param policies each job's policy by name
   * @param locks where concurrency slots are taken; empty: no cap
   */
  public JobRunner(
      RunLedger ledger,
      Services services,
      Function<String, JobPolicy> policies,
      Optional<JdbcLocks> locks) {
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.services = requireNonNull(services, "services is null");
    this.policies = requireNonNull(policies, "policies is null");
    this.locks = requireNonNull(locks, "locks is null");
  }

  public JobPolicy policy(String job) {
    return policies.apply(job);
  }

  /** Runs a first attempt on its own (and its retries), progress to the sink. */
  public Outcome run(Job job, Map<String, String> parameters, Consumer<String> progress) {
    return run(job, parameters, RunStart.FIRST, progress);
  }

  /**
   * Runs the job under its policy, recording each attempt.
   *
   * @param start the first attempt's place: its pipeline run or backfill, when it was ready
   * @throws dev.adlake.core.InvalidInputException for invalid parameters, before anything runs
   * @throws AdlakeException the last attempt's failure
   */
  public Outcome run(
      Job job, Map<String, String> parameters, RunStart start, Consumer<String> progress) {
    JobDefinition definition = job.definition();
    JobParameters resolved = JobParameters.resolve(definition, parameters);
    JobPolicy policy = policies.apply(definition.name());
    Instant ready = start.readyAt().orElseGet(Instant::now);
    try (JdbcLocks.Lock slot = slot(definition.name(), policy.maxConcurrent(), progress)) {
      for (int attempt = start.attempt(); ; attempt++) {
        RunStart thisAttempt = start.withAttempt(attempt, ready);
        try {
          return attempt(job, resolved, thisAttempt, policy, progress);
        } catch (AdlakeException e) {
          int retriesLeft = policy.retries() - (attempt - start.attempt());
          if (retriesLeft <= 0 || e.category() == ErrorCategory.USER_ERROR) {
            throw e;
          }
          Duration wait = policy.backoffBefore(attempt + 1);
          progress.accept(
              "attempt %d failed (%s); retrying in %s, %d retr%s left"
                  .formatted(
                      attempt,
                      e.getMessage(),
                      text(wait),
                      retriesLeft,
                      retriesLeft == 1 ? "y" : "ies"));
          ready = Instant.now();
          sleep(wait);
        }
      }
    }
  }

  private Outcome attempt(
      Job job,
      JobParameters parameters,
      RunStart start,
      JobPolicy policy,
      Consumer<String> progress) {
    JobDefinition definition = job.definition();
    long runId = ledger.start(definition, parameters.asText(), start);
    String[] step = {"its start"};
    Consumer<String> tracked =
        line -> {
          step[0] = line;
          progress.accept(line);
        };
    JobContext context = new JobContext(runId, start.attempt(), parameters, tracked, services);
    JobResult result;
    long started = System.nanoTime();
    try {
      result = call(job, context, policy.timeout());
    } catch (Exception | Error e) {
      RunMeters.failed(definition.name(), Duration.ofNanos(System.nanoTime() - started));
      if (outOfMemory(e)) {
        LOG.error("Job {} (run {}) ran out of memory", definition.name(), runId, e);
        String message =
            ("Job %s ran out of memory (run %d) after: %s. Give the process more heap"
                    + " (ADLAKE_JAVA_OPTS=-Xmx<size>; it has %,d MB now) or, for a Spark job, more"
                    + " and smaller partitions (spark.shuffle-partitions); the stack trace is in"
                    + " the log")
                .formatted(
                    definition.name(), runId, step[0], Runtime.getRuntime().maxMemory() >> 20);
        ledger.fail(runId, message);
        throw new AdlakeException(ErrorCategory.USER_ERROR, message, e);
      }
      ledger.fail(runId, describe(e));
      if (e instanceof AdlakeException adlake) {
        throw adlake;
      }
      throw new AdlakeException(
          ErrorCategory.INTERNAL_ERROR,
          "Job %s failed (run %d): %s".formatted(definition.name(), runId, describe(e)),
          e);
    }
    ledger.succeed(runId, result);
    RunMeters.succeeded(definition.name(), Duration.ofNanos(System.nanoTime() - started), result);
    return new Outcome(runId, result);
  }

  /**
   * True when the failure is the heap running out, here or in a Spark task (whose error reaches the
   * driver as the text of a task failure).
   */
  static boolean outOfMemory(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof OutOfMemoryError
          || String.valueOf(cause.getMessage()).contains("java.lang.OutOfMemoryError")) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /** Runs the body, on a thread of its own when it has a time limit. */
  private JobResult call(Job job, JobContext context, Optional<Duration> timeout) throws Exception {
    if (timeout.isEmpty()) {
      return job.run(context);
    }
    Future<JobResult> body = attempts.submit(() -> job.run(context));
    try {
      return body.get(timeout.get().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      body.cancel(true);
      throw new AdlakeException(
          ErrorCategory.EXTERNAL_FAILURE,
          "Job %s timed out after %s (run %d)"
              .formatted(job.definition().name(), text(timeout.get()), context.runId()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (InterruptedException e) {
      body.cancel(true);
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /** Waits for one of the job's concurrency slots, across every process. */
  /** The group of a job's run slots among the locks: slot {@code i} is lock {@code i} of it. */
  public static String lockGroup(String job) {
    return "job:" + job;
  }

  private JdbcLocks.Lock slot(String job, int slots, Consumer<String> progress) {
    if (locks.isEmpty()) {
      return () -> {};
    }
    boolean told = false;
    while (true) {
      for (int index = 0; index < slots; index++) {
        Optional<JdbcLocks.Lock> lock = locks.get().tryLock(lockGroup(job), index);
        if (lock.isPresent()) {
          return lock.get();
        }
      }
      if (!told) {
        progress.accept(
            "waiting: %d run(s) of %s already running, its limit (jobs.%s.max-concurrent)"
                .formatted(slots, job, job));
        told = true;
      }
      sleep(SLOT_POLL);
    }
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdlakeException(ErrorCategory.EXTERNAL_FAILURE, "Interrupted while waiting", e);
    }
  }

  static String text(Duration duration) {
    long millis = duration.toMillis();
    return millis < 1000 ? millis + " ms" : "%.1f s".formatted(millis / 1000.0);
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
