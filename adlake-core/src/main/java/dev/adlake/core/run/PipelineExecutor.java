package dev.adlake.core.run;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.config.JobPolicy;
import dev.adlake.core.job.JobCatalog;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.metadata.Alert;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.RunStart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Pipeline}: each job starts as soon as every job it depends on has succeeded, up to
 * a number of jobs at once; a job whose upstream failed is skipped. Streaming jobs run bounded
 * ({@code once=true}). Each job runs under its policy (retries, timeout, concurrency cap) through
 * the {@link JobRunner}; the pipeline run and every attempt are recorded, and a job that has not
 * succeeded by its deadline raises an alert.
 */
public final class PipelineExecutor {
  /** What happens to the jobs of a pipeline run, as it happens; called from several threads. */
  public interface Listener {
    default void started(JobDefinition job) {}

    default void progress(JobDefinition job, String line) {}

    default void succeeded(JobDefinition job, JobRunner.Outcome outcome, Duration took) {}

    default void failed(JobDefinition job, AdlakeException error) {}

    default void skipped(JobDefinition job, String reason) {}
  }

  /** How a pipeline run ended: the outcome of each job that succeeded, the reasons of the rest. */
  public record Result(
      long pipelineRunId,
      Map<String, JobRunner.Outcome> succeeded,
      Map<String, AdlakeException> failed,
      Map<String, String> skipped) {
    public boolean ok() {
      return failed.isEmpty() && skipped.isEmpty();
    }
  }

  private final JobCatalog catalog;
  private final JobRunner runner;
  private final JdbcPipelineRuns pipelineRuns;
  private final Optional<JdbcAlerts> alerts;
  private final int parallelism;

  public PipelineExecutor(
      JobCatalog catalog,
      JobRunner runner,
      JdbcPipelineRuns pipelineRuns,
      Optional<JdbcAlerts> alerts,
      int parallelism) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.runner = requireNonNull(runner, "runner is null");
    this.pipelineRuns = requireNonNull(pipelineRuns, "pipelineRuns is null");
    this.alerts = requireNonNull(alerts, "alerts is null");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1");
    }
    this.parallelism = parallelism;
  }

  private record Finished(
      String job, Optional<JobRunner.Outcome> outcome, AdlakeException error, Instant at) {}

  /**
   * Runs the pipeline's jobs and returns when each has succeeded, failed or been skipped.
   *
   * @param trigger why it runs, recorded: {@code manual}, {@code schedule nightly}
   * @param dueAt when it was due: deadlines count from it
   * @param parameters parameters of jobs by name; a streaming job gets {@code once=true} unless
   *     given
   */
  public Result run(
      Pipeline pipeline,
      String trigger,
      Instant dueAt,
      Map<String, Map<String, String>> parameters,
      Listener listener) {
    List<JobDefinition> jobs = pipeline.order();
    long pipelineRunId = pipelineRuns.start(trigger, pipeline.selection(), jobs.size());
    Instant started = Instant.now();
    Map<String, JobRunner.Outcome> succeeded = new LinkedHashMap<>();
    Map<String, AdlakeException> failed = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    Map<String, Instant> ended = new HashMap<>();
    Map<String, Boolean> done = new ConcurrentHashMap<>();
    LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, daemon("adlake-pipeline"));
    ScheduledExecutorService clock =
        Executors.newSingleThreadScheduledExecutor(daemon("adlake-deadlines"));
    List<ScheduledFuture<?>> watches = watchDeadlines(jobs, dueAt, done, clock);
    try {
      List<JobDefinition> waiting = new ArrayList<>(jobs);
      int running = 0;
      while (true) {
        for (JobDefinition job : List.copyOf(waiting)) {
          List<String> before = List.copyOf(pipeline.upstream(job.name()));
          Optional<String> blocked =
              before.stream()
                  .filter(name -> failed.containsKey(name) || skipped.containsKey(name))
                  .findFirst();
          if (blocked.isPresent()) {
            String reason =
                "%s %s"
                    .formatted(
                        blocked.get(),
                        failed.containsKey(blocked.get()) ? "failed" : "was skipped");
            skipped.put(job.name(), reason);
            waiting.remove(job);
            listener.skipped(job, reason);
            continue;
          }
          if (!succeeded.keySet().containsAll(before)) {
            continue;
          }
          // A job is ready when its upstream ended; a first job when the pipeline was due.
          Instant ready = before.stream().map(ended::get).max(Instant::compareTo).orElse(dueAt);
          waiting.remove(job);
          running++;
          Map<String, String> given = parametersOf(job, parameters);
          pool.execute(
              () ->
                  finished.add(
                      runOne(job, given, RunStart.inPipeline(pipelineRunId, ready), listener)));
        }
        if (running == 0) {
          break;
        }
        Finished next = take(finished);
        running--;
        ended.put(next.job(), next.at());
        if (next.outcome().isPresent()) {
          succeeded.put(next.job(), next.outcome().get());
          done.put(next.job(), true);
        } else {
          failed.put(next.job(), next.error());
        }
      }
    } finally {
      pool.shutdownNow();
      watches.forEach(watch -> watch.cancel(false));
      clock.shutdownNow();
      pipelineRuns.finish(pipelineRunId, succeeded.size(), failed.size(), skipped.size());
    }
    raiseForUnfinished(jobs, dueAt, succeeded, failed, skipped);
    return new Result(pipelineRunId, succeeded, failed, skipped);
  }

  private Finished runOne(
      JobDefinition definition, Map<String, String> parameters, RunStart start, Listener listener) {
    Instant began = Instant.now();
    listener.started(definition);
    try {
      JobRunner.Outcome outcome =
          runner.run(
              catalog.get(definition.name()),
              parameters,
              start,
              line -> listener.progress(definition, line));
      Instant end = Instant.now();
      listener.succeeded(definition, outcome, Duration.between(began, end));
      return new Finished(definition.name(), Optional.of(outcome), null, end);
    } catch (AdlakeException e) {
      listener.failed(definition, e);
      return new Finished(definition.name(), Optional.empty(), e, Instant.now());
    } catch (RuntimeException e) {
      AdlakeException wrapped =
          new AdlakeException(
              ErrorCategory.INTERNAL_ERROR,
              "Job %s failed: %s".formatted(definition.name(), JobRunner.describe(e)),
              e);
      listener.failed(definition, wrapped);
      return new Finished(definition.name(), Optional.empty(), wrapped, Instant.now());
    }
  }

  private static Map<String, String> parametersOf(
      JobDefinition job, Map<String, Map<String, String>> parameters) {
    Map<String, String> given = new LinkedHashMap<>(parameters.getOrDefault(job.name(), Map.of()));
    if (job.kind() == JobKind.STREAMING) {
      given.putIfAbsent(JobDefinition.ONCE, "true");
    }
    return given;
  }

  /** An alert at each job's deadline unless it has succeeded by then. */
  private List<ScheduledFuture<?>> watchDeadlines(
      List<JobDefinition> jobs,
      Instant dueAt,
      Map<String, Boolean> done,
      ScheduledExecutorService clock) {
    List<ScheduledFuture<?>> watches = new ArrayList<>();
    if (alerts.isEmpty()) {
      return watches;
    }
    for (JobDefinition job : jobs) {
      JobPolicy policy = runner.policy(job.name());
      if (policy.deadline().isEmpty()) {
        continue;
      }
      Instant deadline = dueAt.plus(policy.deadline().get());
      long delay = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      watches.add(
          clock.schedule(
              () -> {
                if (!done.containsKey(job.name())) {
                  raise(job.name(), dueAt, deadline, "still running or waiting for its inputs");
                }
              },
              delay,
              TimeUnit.MILLISECONDS));
    }
    return watches;
  }

  /** Jobs with a deadline that ended without success will miss it: said now, once. */
  private void raiseForUnfinished(
      List<JobDefinition> jobs,
      Instant dueAt,
      Map<String, JobRunner.Outcome> succeeded,
      Map<String, AdlakeException> failed,
      Map<String, String> skipped) {
    for (JobDefinition job : jobs) {
      Optional<Duration> deadline = runner.policy(job.name()).deadline();
      if (deadline.isEmpty() || succeeded.containsKey(job.name())) {
        continue;
      }
      String state =
          failed.containsKey(job.name())
              ? "failed: " + failed.get(job.name()).getMessage()
              : "skipped: " + skipped.get(job.name());
      raise(job.name(), dueAt, dueAt.plus(deadline.get()), state);
    }
  }

  private void raise(String job, Instant dueAt, Instant deadline, String state) {
    alerts.ifPresent(
        store ->
            store.raise(
                Alert.DEADLINE_MISSED,
                job,
                dueAt,
                "Job %s has not succeeded by its deadline %s (due %s): %s"
                    .formatted(job, deadline, dueAt, state)));
  }

  private static Finished take(LinkedBlockingQueue<Finished> finished) {
    try {
      return finished.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdlakeException(
          ErrorCategory.EXTERNAL_FAILURE, "Interrupted while running the pipeline", e);
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
