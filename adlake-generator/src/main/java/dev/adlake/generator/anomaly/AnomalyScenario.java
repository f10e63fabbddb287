package dev.adlake.generator.anomaly;

import dev.adlake.core.anomaly.HourlyCounts;
import dev.adlake.core.anomaly.SeriesKey;
import dev.adlake.generator.RandomDraws;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Weeks of hourly ad metrics and stream figures with a realistic weekly cycle (a daily curve low at
 * night and high in the evening, quieter weekends, day-to-day noise, Poisson counts), and, when
 * asked, anomalies planted in the evaluated weeks with their truth: a campaign's traffic spiking
 * fivefold, a campaign's traffic dropping to 15%, a campaign's clicks jumping fivefold at 3 a.m.
 * with its impressions as usual, a source going silent, and a source's records failing after a
 * schema change.
 */
public final class AnomalyScenario {
  /** The kinds of planted anomalies, one of each per evaluated week. */
  public static final List<String> KINDS =
      List.of("spike", "drop", "ctr_jump", "silent_source", "schema_change");

  public static final List<String> SOURCES = List.of("tracker", "adserver", "bids");

  private static final double[] WEEKDAY = {1.0, 1.04, 1.05, 1.02, 0.96, 0.72, 0.66};

  /** A planted anomaly: its kind, the subject it hit, and its hours [start, end). */
  public record Planted(String kind, String subject, Instant start, Instant end) {}

  /**
   * The generated series.
   *
   * @param first the first generated hour
   * @param evaluatedFrom where the evaluated weeks start (the weeks before are history)
   * @param to the end of the last week
   */
  public record Scenario(
      Instant first,
      Instant evaluatedFrom,
      Instant to,
      Map<SeriesKey, HourlyCounts> series,
      List<Planted> planted) {}

  /**
   * What to generate.
   *
   * @param start a Monday 00:00 UTC
   */
  public record Options(
      long seed,
      Instant start,
      int campaigns,
      int historyWeeks,
      int evaluatedWeeks,
      boolean plant) {
    public static Options defaults(long seed, boolean plant) {
      return new Options(seed, Instant.parse("2026-09-07T00:00:00Z"), 20, 2, 4, plant);
    }
  }

  private AnomalyScenario() {}

  public static Scenario generate(Options options) {
    SplittableRandom random = new SplittableRandom(options.seed());
    int weeks = options.historyWeeks() + options.evaluatedWeeks();
    Instant first = options.start();
    Instant evaluatedFrom = first.plus(Duration.ofDays(7L * options.historyWeeks()));
    Instant to = first.plus(Duration.ofDays(7L * weeks));
    int hours = weeks * 7 * 24;

    double[] peak = new double[options.campaigns()];
    double[] ctr = new double[options.campaigns()];
    double[] peakHour = new double[options.campaigns()];
    for (int c = 0; c < options.campaigns(); c++) {
      peak[c] = 3_000 + random.nextDouble() * 27_000;
      ctr[c] = 0.01 + random.nextDouble() * 0.02;
      peakHour[c] = 18 + random.nextDouble() * 4;
    }
    double[] sourcePeak = {40_000, 60_000, 120_000};

    // Multipliers per series and hour that the planted anomalies set; 1 elsewhere.
    List<Planted> planted = new ArrayList<>();
    Map<String, double[]> traffic = new HashMap<>();
    Map<String, double[]> clickRate = new HashMap<>();
    Map<String, double[]> failures = new HashMap<>();
    if (options.plant()) {
      int firstEvaluated = options.historyWeeks() * 7 * 24;
      for (int week = 0; week < options.evaluatedWeeks(); week++) {
        int weekStart = firstEvaluated + week * 7 * 24;
        for (String kind : KINDS) {
          int day = random.nextInt(7);
          int hour = kind.equals("ctr_jump") ? 3 : 7 + random.nextInt(15); // clicks jump at 3 a.m.
          int length = kind.equals("drop") || kind.equals("silent_source") ? 3 : 2;
          int from = weekStart + day * 24 + hour;
          String subject;
          double[] multipliers;
          double factor;
          switch (kind) {
            case "spike", "drop", "ctr_jump" -> {
              int campaign = random.nextInt(options.campaigns());
              subject = campaign(campaign);
              multipliers =
                  (kind.equals("ctr_jump") ? clickRate : traffic)
                      .computeIfAbsent(subject, key -> ones(hours));
              factor = kind.equals("drop") ? 0.15 : 5.0;
            }
            case "silent_source" -> {
              subject = source(SOURCES.get(random.nextInt(SOURCES.size())));
              multipliers = traffic.computeIfAbsent(subject, key -> ones(hours));
              factor = 0.0;
            }
            default -> {
              subject = source(SOURCES.get(random.nextInt(SOURCES.size())));
              multipliers = failures.computeIfAbsent(subject, key -> ones(hours));
              factor = 80.0; // 0.5% of records failing becomes 40%
            }
          }
          for (int h = from; h < from + length; h++) {
            multipliers[h] = factor;
          }
          planted.add(
              new Planted(
                  kind,
                  subject,
                  first.plus(Duration.ofHours(from)),
                  first.plus(Duration.ofHours(from + length))));
        }
      }
    }

    Map<SeriesKey, HourlyCounts> series = new HashMap<>();
    HourlyCounts totalImpressions = counts(series, "impressions", "total");
    HourlyCounts totalClicks = counts(series, "clicks", "total");
    for (int c = 0; c < options.campaigns(); c++) {
      String subject = campaign(c);
      HourlyCounts impressions = counts(series, "impressions", subject);
      HourlyCounts clicks = counts(series, "clicks", subject);
      HourlyCounts conversions = counts(series, "conversions", subject);
      double[] dayNoise = dayNoise(random, weeks * 7, 0.05);
      double[] trafficFactor = traffic.getOrDefault(subject, ones(hours));
      double[] clickFactor = clickRate.getOrDefault(subject, ones(hours));
      for (int h = 0; h < hours; h++) {
        Instant hour = first.plus(Duration.ofHours(h));
        double expected = peak[c] * shape(hour, peakHour[c]) * dayNoise[h / 24] * trafficFactor[h];
        long shown = RandomDraws.poisson(random, expected);
        long clicked = RandomDraws.poisson(random, shown * ctr[c] * clickFactor[h]);
        long converted = RandomDraws.poisson(random, clicked * 0.05);
        impressions.put(hour, shown);
        clicks.put(hour, clicked);
        conversions.put(hour, converted);
        totalImpressions.add(hour, shown);
        totalClicks.add(hour, clicked);
      }
    }
    for (int s = 0; s < SOURCES.size(); s++) {
      String subject = source(SOURCES.get(s));
      HourlyCounts events = counts(series, "events", subject);
      HourlyCounts failed = counts(series, "failed", subject);
      double[] dayNoise = dayNoise(random, weeks * 7, 0.04);
      double[] trafficFactor = traffic.getOrDefault(subject, ones(hours));
      double[] failureFactor = failures.getOrDefault(subject, ones(hours));
      for (int h = 0; h < hours; h++) {
        Instant hour = first.plus(Duration.ofHours(h));
        long received =
            RandomDraws.poisson(
                random, sourcePeak[s] * shape(hour, 20) * dayNoise[h / 24] * trafficFactor[h]);
        events.put(hour, received);
        failed.put(
            hour,
            Math.min(received, RandomDraws.poisson(random, received * 0.005 * failureFactor[h])));
      }
    }
    return new Scenario(first, evaluatedFrom, to, series, List.copyOf(planted));
  }

  public static String campaign(int index) {
    return "campaign " + (index + 1);
  }

  public static String source(String name) {
    return "source " + name;
  }

  /** The weekly cycle: a daily curve (15% at night, full at the peak hour) times the weekday. */
  static double shape(Instant hour, double peakHour) {
    var time = hour.atOffset(ZoneOffset.UTC);
    double h = time.getHour();
    double distance = Math.min(Math.abs(h - peakHour), 24 - Math.abs(h - peakHour));
    double daily = 0.15 + 0.85 * Math.exp(-(distance * distance) / (2 * 4.5 * 4.5));
    DayOfWeek day = time.getDayOfWeek();
    return daily * WEEKDAY[day.getValue() - 1];
  }

  private static HourlyCounts counts(
      Map<SeriesKey, HourlyCounts> series, String metric, String subject) {
    return series.computeIfAbsent(new SeriesKey(metric, subject), key -> new HourlyCounts());
  }

  private static double[] ones(int hours) {
    double[] values = new double[hours];
    java.util.Arrays.fill(values, 1.0);
    return values;
  }

  /** A log-normal factor per day: busier and quieter days than the cycle says. */
  private static double[] dayNoise(SplittableRandom random, int days, double sigma) {
    double[] factors = new double[days];
    for (int d = 0; d < days; d++) {
      factors[d] = Math.exp(sigma * RandomDraws.gaussian(random));
    }
    return factors;
  }
}
