package dev.adlake.core.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a finished run reports: rows read, rows written, and named figures (such as rows rejected)
 * worth showing, in the order the job gave them (so a run's summary reads the same every time).
 */
public record JobResult(long rowsIn, long rowsOut, Map<String, Long> figures) {
  public JobResult {
    Map<String, Long> copy = new LinkedHashMap<>();
    figures.forEach(
        (name, value) ->
            copy.put(
                Objects.requireNonNull(name, "figure name"),
                Objects.requireNonNull(value, () -> "figure " + name)));
    figures = Collections.unmodifiableMap(copy);
  }

  public static JobResult of(long rowsIn, long rowsOut) {
    return new JobResult(rowsIn, rowsOut, Map.of());
  }
}
