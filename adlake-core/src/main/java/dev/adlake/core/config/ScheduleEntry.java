package dev.adlake.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * One schedule of {@code schedules.<name>.*}: a cron expression and what it runs, a job or the
 * pipeline (all of it, a domain of it, or from a job on).
 *
 * @param cron six fields, seconds first, as {@code 0 5 * * * *} (minute 5 of every hour)
 * @param job the job it runs; empty: the pipeline
 * @param only with the pipeline, only the jobs of this domain (its name, such as {@code reporting})
 * @param from with the pipeline, this job and every job after it
 * @param parameters parameters of the job it runs
 */
public record ScheduleEntry(
    String name,
    String cron,
    Optional<String> job,
    Optional<String> only,
    Optional<String> from,
    Map<String, String> parameters) {
  public ScheduleEntry {
    requireNonNull(name, "name is null");
    requireNonNull(cron, "cron is null");
    parameters = Map.copyOf(parameters);
  }

  /** What it runs, as people read it: "job ad-metrics" or "the pipeline (only reporting)". */
  public String target() {
    if (job.isPresent()) {
      return "job " + job.get();
    }
    return "the pipeline"
        + only.map(domain -> " (only " + domain + ")").orElse("")
        + from.map(first -> " (from " + first + ")").orElse("");
  }
}
