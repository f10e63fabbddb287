package dev.adlake.core.metadata;

import dev.adlake.core.job.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One recorded execution (attempt) of a job.
 *
 * @param attempt 1 for a first try, then one more per retry
 * @param readyAt when the run was due or its inputs were done; {@link #waited} is the time from
 *     then to its start (backoff, a concurrency slot)
 * @param units the unit of each figure that is not a plain count
 */
public record Run(
    long id,
    String jobName,
    String domain,
    Map<String, String> parameters,
    RunStatus status,
    Instant startedAt,
    Optional<Instant> endedAt,
    Optional<Long> rowsIn,
    Optional<Long> rowsOut,
    Map<String, Long> figures,
    Optional<String> error,
    int attempt,
    Optional<Long> pipelineRunId,
    Optional<Long> backfillId,
    Optional<Instant> readyAt,
    Map<String, Unit> units) {

  /** A figure as a reader sees it, e.g. "3 files". */
  public String describe(String figure) {
    return units.getOrDefault(figure, Unit.COUNT).format(figures.get(figure));
  }

  /** How long the run waited to start after it was ready; zero when not known. */
  public Duration waited() {
    return readyAt
        .map(ready -> Duration.between(ready, startedAt))
        .filter(wait -> !wait.isNegative())
        .orElse(Duration.ZERO);
  }

  /** How long it ran, until its end or until now. */
  public Duration duration() {
    return Duration.between(startedAt, endedAt.orElseGet(Instant::now));
  }
}
