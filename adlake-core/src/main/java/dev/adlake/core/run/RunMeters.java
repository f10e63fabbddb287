package dev.adlake.core.run;

import dev.adlake.core.job.JobResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The job runs of this process, recorded to Micrometer's global registry (nothing is kept until a
 * process adds a registry, as {@code adlake serve} and the long-running commands do): runs by job
 * and outcome, their durations, and the rows they read and wrote.
 */
final class RunMeters {
  /** The label naming a job (not {@code job}, which Prometheus gives each scrape target). */
  static final String JOB_LABEL = "job_name";

  private RunMeters() {}

  static void succeeded(String job, Duration took, JobResult result) {
    MeterRegistry registry = Metrics.globalRegistry;
    ended(registry, job, "succeeded", took);
    rows(registry, job, "in").increment(result.rowsIn());
    rows(registry, job, "out").increment(result.rowsOut());
  }

  static void failed(String job, Duration took) {
    ended(Metrics.globalRegistry, job, "failed", took);
  }

  private static void ended(MeterRegistry registry, String job, String outcome, Duration took) {
    Counter.builder("adlake.job.runs")
        .description("Job runs ended in this process, by job and outcome")
        .tags(JOB_LABEL, job, "outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("adlake.job.run.duration")
        .description("How long the job runs of this process took")
        .tags(JOB_LABEL, job, "outcome", outcome)
        .register(registry)
        .record(took);
  }

  private static Counter rows(MeterRegistry registry, String job, String direction) {
    return Counter.builder("adlake.job.rows")
        .description("Rows the job runs of this process read (in) and wrote (out)")
        .tags(JOB_LABEL, job, "direction", direction)
        .register(registry);
  }
}
