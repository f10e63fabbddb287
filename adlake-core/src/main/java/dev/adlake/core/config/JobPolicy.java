package dev.adlake.core.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * How the runner treats a job's runs, from {@code jobs.<name>.*}: retries with exponential backoff
 * and a limit, a timeout per attempt, a cap on runs at once across processes, and a deadline after
 * the moment a run was due, past which an alert is recorded.
 *
 * @param retries attempts after the first one fails (0: none)
 * @param backoff the wait before the first retry; it doubles for each further retry
 * @param maxBackoff the longest wait between two attempts
 * @param timeout how long one attempt may take; empty: no limit
 * @param maxConcurrent how many runs of the job may run at once, across every process
 * @param deadline how long after it was due the run must have succeeded; empty: no deadline
 */
public record JobPolicy(
    int retries,
    Duration backoff,
    Duration maxBackoff,
    Optional<Duration> timeout,
    int maxConcurrent,
    Optional<Duration> deadline) {
  /** No retries, no timeout, one run at a time, no deadline. */
  public static final JobPolicy DEFAULT =
      new JobPolicy(
          0, Duration.ofSeconds(30), Duration.ofMinutes(10), Optional.empty(), 1, Optional.empty());

  public JobPolicy {
    requireNonNull(backoff, "backoff is null");
    requireNonNull(maxBackoff, "maxBackoff is null");
    requireNonNull(timeout, "timeout is null");
    requireNonNull(deadline, "deadline is null");
    if (retries < 0 || maxConcurrent < 1) {
      throw new IllegalArgumentException("retries must be >= 0 and maxConcurrent >= 1");
    }
  }

  /** The wait before attempt {@code attempt} (2 for the first retry): backoff doubled each time. */
  public Duration backoffBefore(int attempt) {
    Duration wait = backoff;
    for (int i = 2; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  public JobPolicy withRetries(int retries, Duration backoff) {
    return new JobPolicy(retries, backoff, maxBackoff, timeout, maxConcurrent, deadline);
  }

  public JobPolicy withTimeout(Duration timeout) {
    return new JobPolicy(
        retries, backoff, maxBackoff, Optional.of(timeout), maxConcurrent, deadline);
  }

  public JobPolicy withMaxConcurrent(int maxConcurrent) {
    return new JobPolicy(retries, backoff, maxBackoff, timeout, maxConcurrent, deadline);
  }

  public JobPolicy withDeadline(Duration deadline) {
    return new JobPolicy(
        retries, backoff, maxBackoff, timeout, maxConcurrent, Optional.of(deadline));
  }
}
