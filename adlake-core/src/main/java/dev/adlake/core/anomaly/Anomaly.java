package dev.adlake.core.anomaly;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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

  /** The alert as sent out: by mail with the figures, to a webhook as JSON fields. */
  public AlertNotice notice() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("series", series.toString());
    fields.put("metric", series.metric());
    fields.put("subject", series.subject());
    fields.put("anomaly", kind);
    fields.put("start", start.toString());
    fields.put("end", end.toString());
    fields.put("expected", expected);
    fields.put("seen", seen);
    fields.put("deviations", deviations);
    String text =
        """
        %s

        Series:     %s
        From:       %s
        To:         %s
        Expected:   %.1f per hour (the same hours of the week over the earlier weeks)
        Seen:       %.1f per hour
        Deviations: %.1f

        """
                .formatted(describe(), series, start, end, expected, seen, deviations)
            + AlertNotice.WHERE_TO_LOOK;
    return new AlertNotice(
        AnomalyMonitor.ALERT_KIND,
        "%s of %s %s".formatted(kind, series.metric(), series.subject()),
        describe(),
        text,
        fields);
  }

  private static String figure(double value) {
    return Math.abs(value) < 1 && value != 0 ? "%.4f".formatted(value) : "%,.0f".formatted(value);
  }
}
