package dev.adlake.core.job;

import java.util.Map;

/**
 * What a finished run reports: rows read, rows written, and named figures (such as rows rejected)
 * worth showing.
 */
public record JobResult(long rowsIn, long rowsOut, Map<String, Long> figures) {
  public JobResult {
    figures = Map.copyOf(figures);
  }

  public static JobResult of(long rowsIn, long rowsOut) {
    return new JobResult(rowsIn, rowsOut, Map.of());
  }
}
