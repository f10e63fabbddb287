package dev.adlake.core.anomaly;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Hourly figures of one series, by the hour's start. A missing hour of a count series is a zero: a
 * source that sent nothing has no row.
 */
public final class HourlyCounts {
  private final Map<Instant, Double> values = new HashMap<>();

  public HourlyCounts put(Instant hour, double value) {
    values.put(hour.truncatedTo(ChronoUnit.HOURS), value);
    return this;
  }

  public HourlyCounts add(Instant hour, double value) {
    values.merge(hour.truncatedTo(ChronoUnit.HOURS), value, Double::sum);
    return this;
  }

  /** The hour's figure, zero when absent. */
  public double at(Instant hour) {
    return values.getOrDefault(hour, 0.0);
  }

  public OptionalDouble find(Instant hour) {
    Double value = values.get(hour);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /**
   * The figures of the same hour of the week in up to {@code weeks} earlier weeks from {@code
   * first} on (not the hours beside it: on a daily curve's slopes they differ by more than a week
   * does).
   */
  double[] sameHourOfWeek(Instant hour, int weeks, Instant first) {
    double[] samples = new double[weeks];
    int count = 0;
    for (int week = 1; week <= weeks; week++) {
      Instant then = hour.minus(Duration.ofDays(7L * week));
      if (!then.isBefore(first)) {
        samples[count++] = at(then);
      }
    }
    return java.util.Arrays.copyOf(samples, count);
  }
}
