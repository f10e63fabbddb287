package dev.adlake.core.anomaly;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The monitoring job's rules over its hourly series: counts judged against their own baseline
 * (impressions, clicks, conversions, events, bids), and ratios judged on their numerator (CTR as
 * clicks over impressions, the failed-event ratio as failed over events).
 */
public final class AnomalyScan {
  public static final Set<String> COUNTS = Set.of("impressions", "clicks", "conversions", "events");

  /** A ratio watched: its name, numerator and denominator metrics. */
  public record Ratio(String name, String numerator, String denominator) {}

  public static final List<Ratio> RATIOS =
      List.of(
          new Ratio("ctr", "clicks", "impressions"), new Ratio("failed_ratio", "failed", "events"));

  private AnomalyScan() {}

  /** Every anomaly of every series in [from, to), ordered by start and series. */
  public static List<Anomaly> run(
      SeasonalDetector detector,
      Map<SeriesKey, HourlyCounts> series,
      Instant first,
      Instant from,
      Instant to) {
    List<Anomaly> found = new ArrayList<>();
    for (Map.Entry<SeriesKey, HourlyCounts> entry : series.entrySet()) {
      SeriesKey key = entry.getKey();
      if (COUNTS.contains(key.metric())) {
        found.addAll(detector.counts(key, entry.getValue(), first, from, to));
      }
      for (Ratio ratio : RATIOS) {
        if (key.metric().equals(ratio.numerator())) {
          HourlyCounts denominator = series.get(new SeriesKey(ratio.denominator(), key.subject()));
          if (denominator != null) {
            found.addAll(
                detector.ratio(
                    new SeriesKey(ratio.name(), key.subject()),
                    entry.getValue(),
                    denominator,
                    first,
                    from,
                    to));
          }
        }
      }
    }
    found.sort(
        Comparator.comparing(Anomaly::start).thenComparing(anomaly -> anomaly.series().toString()));
    return found;
  }
}
