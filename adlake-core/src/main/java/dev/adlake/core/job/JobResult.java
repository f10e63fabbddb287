package dev.adlake.core.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a finished run reports: rows read, rows written, and named figures (such as rows rejected)
 * worth showing, each with its {@link Unit}, in the order the job gave them (so a run's summary
 * reads the same every time).
 *
 * @param units the unit of each figure; a figure not named here is a {@link Unit#COUNT}
 */
public record JobResult(
    long rowsIn, long rowsOut, Map<String, Long> figures, Map<String, Unit> units) {
  public JobResult {
    Map<String, Long> copy = new LinkedHashMap<>();
    figures.forEach(
        (name, value) ->
            copy.put(
                Objects.requireNonNull(name, "figure name"),
                Objects.requireNonNull(value, () -> "figure " + name)));
    for (String name : units.keySet()) {
      if (!copy.containsKey(name)) {
        throw new IllegalArgumentException("unit given for no figure: " + name);
      }
    }
    Map<String, Unit> unitsCopy = new LinkedHashMap<>();
    for (String name : copy.keySet()) {
      unitsCopy.put(name, units.getOrDefault(name, Unit.COUNT));
    }
    figures = Collections.unmodifiableMap(copy);
    units = Collections.unmodifiableMap(unitsCopy);
  }

  /** A result whose figures are all counts. */
  public JobResult(long rowsIn, long rowsOut, Map<String, Long> figures) {
    this(rowsIn, rowsOut, figures, Map.of());
  }

  public static JobResult of(long rowsIn, long rowsOut) {
    return new JobResult(rowsIn, rowsOut, Map.of());
  }

  /** The unit of a figure of this result. */
  public Unit unit(String figure) {
    return units.getOrDefault(figure, Unit.COUNT);
  }

  /** A figure as a reader sees it, e.g. "3 files". */
  public String describe(String figure) {
    return unit(figure).format(figures.get(figure));
  }
}
