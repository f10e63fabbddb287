package dev.adlake.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.metadata.Alert;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.metadata.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The anomaly check over a serving store in PostgreSQL: three weeks of two campaigns' hourly
 * metrics, the last hours of one spiking; its alert is raised once, however often the check runs,
 * and its notifier told once.
 */
class AnomalyMonitorIT {
  private static final Instant START = Instant.parse("2026-10-05T00:00:00Z"); // a Monday
  private static final int HOURS = 21 * 24;

  private MetadataStore store;
  private final List<Anomaly> posted = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    MetadataStore shared = TestPostgres.store();
    try (Connection connection = shared.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS anomaly_it");
      statement.execute("CREATE DATABASE anomaly_it");
    }
    store =
        MetadataStore.open(
            shared.jdbcUrl().replaceAll("/[^/]+$", "/anomaly_it"),
            shared.user(),
            shared.password(),
            4);
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void aSpikeIsRaisedOnceAndPostedOnceWhileNormalHoursRaiseNothing() throws Exception {
    // Campaign 1's last two hours at five times its traffic.
    write(impressions -> impressions);
    spike(1, 2, 5);
    AnomalyMonitor monitor =
        new AnomalyMonitor(
            store.dataSource(),
            new SeasonalDetector(SeasonalDetector.Settings.defaults()),
            posted::add);
    List<String> progress = new CopyOnWriteArrayList<>();

    AnomalyMonitor.Report first = monitor.check(24, 4, progress::add);
    assertThat(first.newestHour()).hasValue(START.plus(Duration.ofHours(HOURS - 1)));
    assertThat(first.series()).isEqualTo(9); // 3 metrics of 2 campaigns and of the total
    assertThat(first.anomalies())
        .extracting(anomaly -> anomaly.series().toString() + " " + anomaly.kind())
        .contains("impressions of campaign 1 spike", "impressions of total spike")
        .allMatch(text -> !text.contains("campaign 2"));
    Anomaly spike =
        first.anomalies().stream()
            .filter(anomaly -> anomaly.series().equals(new SeriesKey("impressions", "campaign 1")))
            .findFirst()
            .orElseThrow();
    assertThat(spike.start()).isEqualTo(START.plus(Duration.ofHours(HOURS - 2)));
    assertThat(spike.seen()).isGreaterThan(4 * spike.expected());
    assertThat(first.raised()).hasSameSizeAs(first.anomalies());

    List<Alert> alerts = new JdbcAlerts(store.dataSource()).recent(50);
    assertThat(alerts)
        .filteredOn(alert -> alert.kind().equals(AnomalyMonitor.ALERT_KIND))
        .extracting(Alert::subject)
        .contains("impressions of campaign 1 spike");
    assertThat(posted).hasSameSizeAs(first.raised());
    assertThat(posted)
        .anySatisfy(
            anomaly ->
                assertThat(anomaly.describe())
                    .startsWith("impressions of campaign 1 spike from ")
                    .contains("expected about"));

    // The same anomaly, checked again while it lasts: nothing new raised or posted.
    AnomalyMonitor.Report again = monitor.check(24, 4, progress::add);
    assertThat(again.anomalies()).hasSameSizeAs(first.anomalies());
    assertThat(again.raised()).isEmpty();
    assertThat(posted).hasSameSizeAs(first.raised());
    assertThat(progress)
        .anySatisfy(line -> assertThat(line).startsWith("judged the serving store: 24 hour(s)"));
  }

  @Test
  void normalWeeksRaiseNoAlert() throws Exception {
    write(impressions -> impressions);
    AnomalyMonitor monitor =
        new AnomalyMonitor(
            store.dataSource(),
            new SeasonalDetector(SeasonalDetector.Settings.defaults()),
            anomaly -> {});
    AnomalyMonitor.Report report = monitor.check(7 * 24, 4, line -> {});
    assertThat(report.series()).isEqualTo(9);
    assertThat(report.anomalies()).isEmpty();
  }

  /** Three weeks of two campaigns: a daily curve, quieter weekends, a little noise. */
  private void write(UnaryOperator<Long> change) throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO serving.metrics_hourly (level, id, hour, campaign_id, advertiser_id,"
                    + " impressions, clicks, conversions, sessions_sketch, users_sketch)"
                    + " VALUES ('campaign', ?, ?, ?, 1, ?, ?, ?, ''::bytea, ''::bytea)")) {
      for (int campaign = 1; campaign <= 2; campaign++) {
        for (int h = 0; h < HOURS; h++) {
          Instant hour = START.plus(Duration.ofHours(h));
          int hourOfDay = h % 24;
          int day = (h / 24) % 7;
          double curve = 0.2 + 0.8 * Math.sin(Math.PI * hourOfDay / 24);
          double weekday = day >= 5 ? 0.7 : 1.0;
          long impressions =
              change.apply(
                  Math.round(
                      campaign * 4000 * curve * weekday * (0.97 + 0.06 * random.nextDouble())));
          insert.setInt(1, campaign);
          insert.setTimestamp(2, Timestamp.from(hour));
          insert.setInt(3, campaign);
          insert.setLong(4, impressions);
          insert.setLong(5, impressions / 50);
          insert.setLong(6, impressions / 1000);
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }

  private void spike(int campaign, int lastHours, int factor) throws Exception {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE serving.metrics_hourly SET impressions = impressions * ?,"
                    + " clicks = clicks * ?, conversions = conversions * ?"
                    + " WHERE level = 'campaign' AND id = ? AND hour >= ?")) {
      update.setInt(1, factor);
      update.setInt(2, factor);
      update.setInt(3, factor);
      update.setInt(4, campaign);
      update.setTimestamp(5, Timestamp.from(START.plus(Duration.ofHours(HOURS - lastHours))));
      update.executeUpdate();
    }
  }
}
