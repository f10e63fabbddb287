package dev.adlake.core.anomaly;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.metadata.JdbcAlerts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The anomaly check of the serving store's hourly metrics: each campaign's and the total's
 * impressions, clicks, conversions and CTR over the latest hours against their seasonal baseline
 * ({@link SeasonalDetector}). Each anomaly is raised once into {@code adlake.alerts} (kind {@value
 * #ALERT_KIND}, keyed by series and first hour, so a rerun while it lasts adds nothing), which the
 * dashboard's runs page and {@code adlake monitor} show; each new one goes to the notifier too (a
 * webhook, e-mail).
 */
public final class AnomalyMonitor {
  public static final String ALERT_KIND = "data_anomaly";

  /** What a check found: the hours judged, the series, the anomalies and the alerts new now. */
  public record Report(
      Optional<Instant> newestHour, int series, List<Anomaly> anomalies, List<Anomaly> raised) {}

  private final DataSource dataSource;
  private final SeasonalDetector detector;
  private final Consumer<Anomaly> notifier;

  /**
   * @param notifier told of each alert raised now, once (a webhook, e-mail); a failure of it fails
   *     the check after the alert is recorded
   */
  public AnomalyMonitor(
      DataSource dataSource, SeasonalDetector detector, Consumer<Anomaly> notifier) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.detector = requireNonNull(detector, "detector is null");
    this.notifier = requireNonNull(notifier, "notifier is null");
  }

  /** Judges the latest {@code hours} hours of the serving store. */
  public Report check(int hours, int baselineWeeks, Consumer<String> progress) {
    Optional<Instant> newest = newestHour();
    if (newest.isEmpty()) {
      progress.accept("the serving store holds no hours yet: nothing to judge");
      return new Report(newest, 0, List.of(), List.of());
    }
    Instant to = newest.get().plus(Duration.ofHours(1));
    Instant from = to.minus(Duration.ofHours(hours));
    Instant earliest = from.minus(Duration.ofDays(7L * baselineWeeks));
    Map<SeriesKey, HourlyCounts> series = new HashMap<>();
    // Hours before the store's first are no zeros: the baseline starts where the data does.
    Instant first = read(earliest, to, series).orElse(earliest);
    return judge(series, first, from, to, "the serving store", progress);
  }

  /**
   * Judges the hours {@code [from, to)} of the series given, each against its earlier weeks from
   * {@code first} on, and raises each anomaly found once, as {@link #check} does.
   *
   * @param what what the series are of, for the progress line
   */
  public Report judge(
      Map<SeriesKey, HourlyCounts> series,
      Instant first,
      Instant from,
      Instant to,
      String what,
      Consumer<String> progress) {
    List<Anomaly> anomalies = AnomalyScan.run(detector, series, first, from, to);
    Instant newest = to.minus(Duration.ofHours(1));
    progress.accept(
        "judged %s: %d hour(s) up to %s of %d series against the earlier weeks from %s: %d"
                .formatted(
                    what,
                    Duration.between(from, to).toHours(),
                    newest,
                    series.size(),
                    first,
                    anomalies.size())
            + " anomaly(ies)");
    JdbcAlerts alerts = new JdbcAlerts(dataSource);
    List<Anomaly> raised = new ArrayList<>();
    for (Anomaly anomaly : anomalies) {
      String subject = anomaly.series() + " " + anomaly.kind();
      if (alerts.raise(ALERT_KIND, subject, anomaly.start(), anomaly.describe())) {
        raised.add(anomaly);
        progress.accept("alert: " + anomaly.describe());
        notifier.accept(anomaly);
      }
    }
    return new Report(Optional.of(newest), series.size(), anomalies, raised);
  }

  private Optional<Instant> newestHour() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT max(hour) FROM serving.metrics_hourly");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      Timestamp newest = rows.getTimestamp(1);
      return Optional.ofNullable(newest).map(Timestamp::toInstant);
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot read the serving store's newest hour: " + e, e);
    }
  }

  /**
   * Campaigns' hourly counts and their total, from the campaign level of the serving store.
   *
   * @return the first hour read
   */
  private Optional<Instant> read(Instant from, Instant to, Map<SeriesKey, HourlyCounts> series) {
    Instant first = null;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT id, hour, impressions, clicks, conversions FROM serving.metrics_hourly"
                    + " WHERE level = 'campaign' AND hour >= ? AND hour < ?")) {
      statement.setTimestamp(1, Timestamp.from(from));
      statement.setTimestamp(2, Timestamp.from(to));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String campaign = "campaign " + rows.getInt(1);
          Instant hour = rows.getTimestamp(2).toInstant();
          first = first == null || hour.isBefore(first) ? hour : first;
          String[] metrics = {"impressions", "clicks", "conversions"};
          for (int i = 0; i < metrics.length; i++) {
            long value = rows.getLong(3 + i);
            series
                .computeIfAbsent(new SeriesKey(metrics[i], campaign), key -> new HourlyCounts())
                .put(hour, value);
            series
                .computeIfAbsent(new SeriesKey(metrics[i], "total"), key -> new HourlyCounts())
                .add(hour, value);
          }
        }
      }
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot read the serving store's hourly metrics: " + e, e);
    }
    return Optional.ofNullable(first);
  }
}
