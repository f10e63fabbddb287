package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What is known of a run as it starts, besides its job and parameters: its attempt, the pipeline
 * run or backfill it belongs to, and when it became ready.
 */
public record RunStart(
    int attempt,
    Optional<Long> pipelineRunId,
    Optional<Long> backfillId,
    Optional<Instant> readyAt) {
  /** A first attempt on its own, ready when it starts. */
  public static final RunStart FIRST =
      new RunStart(1, Optional.empty(), Optional.empty(), Optional.empty());

  public RunStart {
    requireNonNull(pipelineRunId, "pipelineRunId is null");
    requireNonNull(backfillId, "backfillId is null");
    requireNonNull(readyAt, "readyAt is null");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1");
    }
  }

  public RunStart withAttempt(int attempt, Instant readyAt) {
    return new RunStart(attempt, pipelineRunId, backfillId, Optional.of(readyAt));
  }

  public static RunStart inPipeline(long pipelineRunId, Instant readyAt) {
    return new RunStart(1, Optional.of(pipelineRunId), Optional.empty(), Optional.of(readyAt));
  }

  public static RunStart inBackfill(long backfillId, Instant readyAt) {
    return new RunStart(1, Optional.empty(), Optional.of(backfillId), Optional.of(readyAt));
  }
}
