package dev.adlake.core.metadata;

import java.time.Instant;
import java.util.Optional;

/** One recorded run of a pipeline: what it selected, why it ran, and how its jobs ended. */
public record PipelineRun(
    long id,
    String trigger,
    String selection,
    RunStatus status,
    Instant startedAt,
    Optional<Instant> endedAt,
    int jobs,
    int succeeded,
    int failed,
    int skipped) {}
