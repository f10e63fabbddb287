package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

/**
 * What one run of a job is given by its runner: the run's id and attempt, its validated parameters,
 * a sink for progress lines, and the process's services.
 *
 * @param attempt 1 for the first try, then one more per retry
 * @param progress receives a line per step worth showing; the runner decides where it goes
 */
public record JobContext(
    long runId,
    int attempt,
    JobParameters parameters,
    Consumer<String> progress,
    Services services) {
  public JobContext {
    requireNonNull(parameters, "parameters is null");
    requireNonNull(progress, "progress is null");
    requireNonNull(services, "services is null");
  }

  /** The service of that type (see {@link Services#get}). */
  public <T> T service(Class<T> type) {
    return services.get(type);
  }
}
