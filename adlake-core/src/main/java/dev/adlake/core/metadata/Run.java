package dev.adlake.core.metadata;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One recorded execution of a job. */
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
    Optional<String> error) {}
