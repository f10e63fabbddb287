package dev.adlake.core.anomaly;

import java.time.Instant;

/**
 * A stretch of hours in which a series left its seasonal baseline: from {@code start} to {@code
 * end} (exclusive), what was expected and what was seen at its worst hour, and how far off that was
 * in robust deviations.
 *
 * @param kind {@code spike}, {@code drop} or {@code silent}
 */
public record Anomaly(
    SeriesKey series,
    String kind,
    Instant start,
    Instant end,
    double expected,
    double seen,
    double deviations) {

  /** One line for a table, a webhook or an e-mail. */
  public String describe() {
    return "%s %s from %s to %s: expected about %s, saw %s (%.1f deviations)"
        .formatted(series, kind, start, end, figure(expected), figure(seen), Math.abs(deviations));
  }

  private static String figure(double value) {
    return Math.abs(value) < 1 && value != 0 ? "%.4f".formatted(value) : "%,.0f".formatted(value);
  }
}
