package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One thing the maintenance domain did to a table, or would do on a dry run: rows, files and bytes
 * it removed, and the files and bytes it wrote in their place (a compaction, a rewrite of the files
 * that held some rows to delete).
 *
 * @param runId the run that did it; empty for a plan
 * @param action retention, expire-snapshots, remove-orphans, compact, rewrite-manifests or erase
 * @param doneAt when it was recorded; for a plan, when it was planned
 */
public record MaintenanceAction(
    Optional<Long> runId,
    String table,
    String action,
    long rowsRemoved,
    long filesRemoved,
    long bytesRemoved,
    long filesAdded,
    long bytesAdded,
    String detail,
    Instant doneAt) {
  public MaintenanceAction {
    requireNonNull(runId, "runId is null");
    requireNonNull(table, "table is null");
    requireNonNull(action, "action is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(doneAt, "doneAt is null");
  }

  /** Whether it removes or rewrites anything. */
  public boolean changesSomething() {
    return rowsRemoved + filesRemoved + bytesRemoved + filesAdded + bytesAdded > 0;
  }
}
