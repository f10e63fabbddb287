package dev.adlake.cli;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.run.PipelineExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Prints a pipeline run as it goes, a line per job as it ends, and keeps each job's outcome, time
 * and progress lines for the report after it.
 */
final class PipelineConsole implements PipelineExecutor.Listener {
  private final Console console;
  private final int jobs;
  private final boolean showProgress;
  private final BiFunction<JobDefinition, JobRunner.Outcome, String> summary;
  private final AtomicInteger ended = new AtomicInteger();
  private final Map<String, Double> seconds = new ConcurrentHashMap<>();
  private final Map<String, List<String>> progress = new ConcurrentHashMap<>();

  /**
   * @param showProgress print each job's progress lines as they come, else only as a status
   * @param summary the text after a job's name when it succeeded
   */
  PipelineConsole(
      Console console,
      int jobs,
      boolean showProgress,
      BiFunction<JobDefinition, JobRunner.Outcome, String> summary) {
    this.console = console;
    this.jobs = jobs;
    this.showProgress = showProgress;
    this.summary = summary;
  }

  @Override
  public void started(JobDefinition job) {
    console.status("  %s running...".formatted(job.name()));
  }

  @Override
  public void progress(JobDefinition job, String line) {
    progress
        .computeIfAbsent(
            job.name(), name -> java.util.Collections.synchronizedList(new ArrayList<>()))
        .add(line);
    if (showProgress) {
      console.line("    [%s] %s", job.name(), line);
    } else {
      console.status("  %s: %s".formatted(job.name(), line));
    }
  }

  @Override
  public void succeeded(JobDefinition job, JobRunner.Outcome outcome, Duration took) {
    seconds.put(job.name(), took.toMillis() / 1000.0);
    console.line(
        "  [%d/%d] %-28s run %-5d %6.1f s  %s",
        ended.incrementAndGet(),
        jobs,
        job.name(),
        outcome.runId(),
        took.toMillis() / 1000.0,
        summary.apply(job, outcome));
  }

  @Override
  public void failed(JobDefinition job, AdlakeException error) {
    console.line(
        "  [%d/%d] %-28s FAILED: %s",
        ended.incrementAndGet(), jobs, job.name(), error.getMessage());
  }

  @Override
  public void skipped(JobDefinition job, String reason) {
    console.line("  [%d/%d] %-28s skipped: %s", ended.incrementAndGet(), jobs, job.name(), reason);
  }

  /** Seconds a job took, 0 when it did not run. */
  double seconds(String job) {
    return seconds.getOrDefault(job, 0.0);
  }

  /** The progress lines of a job, in order. */
  List<String> progressOf(String job) {
    return List.copyOf(progress.getOrDefault(job, List.of()));
  }

  /** Prints the result's failures at the end, each with its reason, and says where to look. */
  static void reportFailures(PipelineExecutor.Result result, Console console) {
    result
        .failed()
        .forEach((job, error) -> console.line("  %s failed: %s", job, error.getMessage()));
    result.skipped().forEach((job, reason) -> console.line("  %s skipped: %s", job, reason));
  }
}
