package dev.adlake.core.anomaly;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the hours of a series that leave its seasonal baseline: the same hour of the week (and the
 * hours beside it) over the recent weeks, summarised by its median and median absolute deviation,
 * so that a normal Monday morning is its own baseline and one odd week does not move it.
 *
 * <p>A count (impressions, events) is off when it is at least {@link Settings#deviations()} robust
 * deviations and {@link Settings#minimumChange()} away from the median; the deviation is never
 * taken below Poisson noise ({@code sqrt(median)}), so small counts do not alert on chance. A
 * source that falls to nothing while its baseline is busy is {@code silent}. A ratio (CTR, failed
 * events) is judged on its numerator given its denominator: the hour's clicks against the
 * impressions times the baseline CTR. Consecutive off hours of a series make one anomaly.
 */
public final class SeasonalDetector {
  /** Robust scale of a normal distribution from its MAD. */
  private static final double MAD_TO_SIGMA = 1.4826;

  /** The least deviation of a series, as a share of its median. */
  static final double RELATIVE_FLOOR = 0.08;

  /** The fewest earlier weeks a baseline needs. */
  private static final int FEWEST_WEEKS = 2;

  /**
   * How sensitive the detector is.
   *
   * @param weeks earlier weeks in the baseline
   * @param deviations robust deviations from the median that make an hour off
   * @param minimumChange the least relative change that makes an hour off (0.5: half again or half
   *     less)
   * @param minimumBaseline the least median a count needs to be judged at all (hours quieter than
   *     this are noise)
   */
  public record Settings(
      int weeks, double deviations, double minimumChange, double minimumBaseline) {
    public static Settings defaults() {
      return new Settings(4, 6.0, 0.5, 20);
    }
  }

  private final Settings settings;

  public SeasonalDetector(Settings settings) {
    this.settings = settings;
  }

  /**
   * The anomalies of a count series in [from, to), with history from {@code first}.
   *
   * @param first the first hour the series holds; earlier hours are not counted as zeros
   */
  public List<Anomaly> counts(
      SeriesKey key, HourlyCounts series, Instant first, Instant from, Instant to) {
    List<Hour> off = new ArrayList<>();
    for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
      double[] samples = series.sameHourOfWeek(hour, settings.weeks(), first);
      if (samples.length < FEWEST_WEEKS) {
        continue;
      }
      double median = median(samples);
      if (median < settings.minimumBaseline()) {
        continue;
      }
      double seen = series.at(hour);
      double scale =
          Math.max(
              MAD_TO_SIGMA * mad(samples, median),
              Math.max(Math.sqrt(median) + 1, RELATIVE_FLOOR * median));
      double deviations = (seen - median) / scale;
      double change = Math.abs(seen - median) / median;
      if (seen == 0) {
        off.add(new Hour(hour, "silent", median, seen, deviations));
      } else if (Math.abs(deviations) >= settings.deviations()
          && change >= settings.minimumChange()) {
        off.add(new Hour(hour, deviations > 0 ? "spike" : "drop", median, seen, deviations));
      }
    }
    return merge(key, off);
  }

  /**
   * The anomalies of a ratio series (numerator over denominator, as clicks over impressions) in
   * [from, to): the hour's numerator against its denominator times the baseline ratio.
   */
  public List<Anomaly> ratio(
      SeriesKey key,
      HourlyCounts numerator,
      HourlyCounts denominator,
      Instant first,
      Instant from,
      Instant to) {
    List<Hour> off = new ArrayList<>();
    for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
      double[] numerators = numerator.sameHourOfWeek(hour, settings.weeks(), first);
      double[] denominators = denominator.sameHourOfWeek(hour, settings.weeks(), first);
      double[] ratios = new double[numerators.length];
      int count = 0;
      for (int i = 0; i < numerators.length; i++) {
        if (denominators[i] > 0) {
          ratios[count++] = numerators[i] / denominators[i];
        }
      }
      double base = denominator.at(hour);
      if (count < FEWEST_WEEKS || base <= 0) {
        continue;
      }
      ratios = Arrays.copyOf(ratios, count);
      double baselineRatio = median(ratios);
      double expected = base * baselineRatio;
      double seen = numerator.at(hour);
      double scale =
          Math.max(
              MAD_TO_SIGMA * mad(ratios, baselineRatio) * base,
              Math.max(Math.sqrt(expected) + 1, RELATIVE_FLOOR * expected));
      double deviations = (seen - expected) / scale;
      double change = Math.abs(seen - expected) / Math.max(expected, 1);
      if (Math.abs(deviations) >= settings.deviations() && change >= settings.minimumChange()) {
        off.add(
            new Hour(
                hour, deviations > 0 ? "spike" : "drop", baselineRatio, seen / base, deviations));
      }
    }
    return merge(key, off);
  }

  private record Hour(Instant hour, String kind, double expected, double seen, double deviations) {}

  /** Consecutive off hours of one kind as one anomaly, reported at its worst hour. */
  private static List<Anomaly> merge(SeriesKey key, List<Hour> off) {
    List<Anomaly> anomalies = new ArrayList<>();
    int i = 0;
    while (i < off.size()) {
      Hour worst = off.get(i);
      Instant start = worst.hour();
      Instant end = start.plus(Duration.ofHours(1));
      int j = i + 1;
      while (j < off.size()
          && off.get(j).hour().equals(end)
          && off.get(j).kind().equals(off.get(i).kind())) {
        if (Math.abs(off.get(j).deviations()) > Math.abs(worst.deviations())) {
          worst = off.get(j);
        }
        end = end.plus(Duration.ofHours(1));
        j++;
      }
      anomalies.add(
          new Anomaly(
              key,
              off.get(i).kind(),
              start,
              end,
              worst.expected(),
              worst.seen(),
              worst.deviations()));
      i = j;
    }
    return anomalies;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double mad(double[] values, double median) {
    double[] deviations = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      deviations[i] = Math.abs(values[i] - median);
    }
    return median(deviations);
  }
}
