package dev.adlake.spark.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.core.feed.LocalLandingStore;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.generator.truth.ServingTruthCheck;
import dev.adlake.spark.Platform;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.ingestion.Ingestion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The ad-metrics job on a generated day, against real PostgreSQL and Spark: every hourly figure in
 * the serving store equals the generator's truth, sketch estimates are within 3.2%, a run after new
 * loads replaces only their hours, and a rerun changes nothing.
 */
class AdMetricsIT {
  private static final double SKETCH_BOUND = 0.032;

  @Test
  void hourlyFiguresEqualTheTruthIncrementallyAndRerunsChangeNothing() throws Exception {
    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("metrics-it");
    Path staging = root.resolve("generated");
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(platform.config().home()),
                Optional.empty(),
                Map.of(),
                Map.of(
                    "landing.path", root.resolve("landing").toString(),
                    "ingest.archive-path", root.resolve("archive").toString(),
                    "ingest.error-path", root.resolve("error").toString()),
                root));
    AdDataGenerator.generate(
        new GeneratorOptions(
            11L, LocalDate.of(2026, 11, 1), 1, 30_000, staging, root.resolve("expected"), 2),
        (done, total) -> {});
    Path expected = root.resolve("expected").resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE);

    // First the files delivered before 18:00, then the rest: the late rows of earlier hours come
    // with the later files.
    land(staging, config.landing().path(), name -> name.compareTo("20261101-18") < 0);
    ingest(platform, config);
    JobResult first = run(platform, config);
    assertThat(first.figures().get("hours_replaced")).isBetween(17L, 19L);

    land(staging, config.landing().path(), name -> true);
    ingest(platform, config);
    JobResult second = run(platform, config);
    // Hours 18..23, plus hours 16 and 17 whose late rows arrived with the 18:00 and 19:00 files.
    assertThat(second.figures().get("hours_replaced")).isBetween(6L, 9L);
    assertThat(second.figures().get("loads_rolled_up")).isPositive();

    // The same events delivered again in new files, for two hours apart: those two hours are
    // recomputed, and duplicates across files count once.
    Path events =
        config
            .ingest()
            .archivePath()
            .resolve(BuiltInFeeds.ADSERVER_EVENTS)
            .resolve("dt=2026-11-01");
    Path again =
        config.landing().path().resolve(BuiltInFeeds.ADSERVER_EVENTS).resolve("dt=2026-11-01");
    Files.createDirectories(again);
    Files.copy(events.resolve("events-20261101-03-a.tsv"), again.resolve("resent-20261101-03.tsv"));
    Files.copy(events.resolve("events-20261101-07-a.tsv"), again.resolve("resent-20261101-07.tsv"));
    ingest(platform, config);
    JobResult resent = run(platform, config);
    assertThat(resent.figures().get("hours_replaced")).isEqualTo(2L);

    ServingTruthCheck.Comparison served =
        ServingTruthCheck.compare(platform.metadata().dataSource(), expected);
    assertThat(served.mismatches()).isEmpty();
    assertThat(served.matching()).isEqualTo(served.rows()).isGreaterThan(5_000);
    // Every true ad-hour has impressions: a click or conversion falls in its impression's hour.
    assertThat(designTable(platform))
        .as("serving.ad_metrics, the design's table")
        .isEqualTo(served.rows());
    assertSketchesWithinBound(platform);
    assertBreakdownsAddUp(platform);
    assertThat(platform.spark().table(ReportingTables.AD_HOURLY).count()).isEqualTo(served.rows());

    String before = servingChecksum(platform);
    JobResult rerun = run(platform, config);
    assertThat(rerun.figures().get("loads_rolled_up")).isZero();
    assertThat(rerun.figures().get("hours_replaced")).isZero();
    assertThat(servingChecksum(platform)).isEqualTo(before);

    // A full recompute gives the same figures. Sketch bytes may differ in insertion-order state
    // (the HIP accumulator), not in what they estimate, so they are checked by their estimates.
    String figuresBefore = figuresChecksum(platform);
    JobResult full = run(platform, config, Map.of("full", "true"));
    assertThat(full.figures().get("hours_replaced")).isEqualTo(24L);
    assertThat(figuresChecksum(platform)).isEqualTo(figuresBefore);
    assertSketchesWithinBound(platform);
  }

  /**
   * Each dimension splits a campaign's day: its values' impressions and clicks add up to the
   * campaign's, and the device types are Yauaa's classes of the generator's browsers and bots.
   */
  private static void assertBreakdownsAddUp(Platform platform) throws SQLException {
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT d.dimension, count(*), count(*) FILTER (WHERE d.impressions = m.impressions"
                  + " AND d.clicks = m.clicks) FROM (SELECT dimension, campaign_id, day,"
                  + " sum(impressions) AS impressions, sum(clicks) AS clicks"
                  + " FROM serving.dimension_daily GROUP BY 1, 2, 3) d"
                  + " JOIN serving.metrics_daily m ON m.level = 'campaign'"
                  + " AND m.id = d.campaign_id AND m.day = d.day GROUP BY 1 ORDER BY 1")) {
        List<String> checked = new java.util.ArrayList<>();
        while (rows.next()) {
          assertThat(rows.getLong(3)).as(rows.getString(1)).isEqualTo(rows.getLong(2)).isPositive();
          checked.add(rows.getString(1));
        }
        assertThat(checked).containsExactly("device_type", "site_domain");
      }
      List<String> devices = new java.util.ArrayList<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT DISTINCT value FROM serving.dimension_daily WHERE dimension = 'device_type'")) {
        while (rows.next()) {
          devices.add(rows.getString(1));
        }
      }
      assertThat(devices).contains("Desktop", "Phone", "Tablet", "Robot");
    }
  }

  /** Ad-hour and campaign-day sketches estimate distinct users within the 95% bound. */
  private static void assertSketchesWithinBound(Platform platform) throws SQLException {
    Map<String, Long> exactCampaignDays = new HashMap<>();
    for (Row row :
        platform
            .spark()
            .sql(
                "SELECT campaign_id, to_date(event_time) AS day, count(DISTINCT user_id) AS users"
                    + " FROM raw.adserver__events WHERE event IN ('impression', 'click')"
                    + " GROUP BY 1, 2")
            .collectAsList()) {
      exactCampaignDays.put(row.getInt(0) + "/" + row.getDate(1), row.getLong(2));
    }
    int checked = 0;
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT users, users_sketch, sessions, sessions_sketch FROM serving.metrics_hourly"
                  + " WHERE level = 'ad'")) {
        while (rows.next()) {
          assertWithin(HllSketches.estimate(rows.getBytes(2)), rows.getLong(1));
          assertWithin(HllSketches.estimate(rows.getBytes(4)), rows.getLong(3));
          checked++;
        }
      }
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT id, day, users_sketch FROM serving.metrics_daily WHERE level = 'campaign'")) {
        while (rows.next()) {
          Long exact = exactCampaignDays.get(rows.getInt(1) + "/" + rows.getDate(2));
          assertThat(exact).as("campaign %d on %s", rows.getInt(1), rows.getDate(2)).isNotNull();
          assertWithin(HllSketches.estimate(rows.getBytes(3)), exact);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(1000);
  }

  private static void assertWithin(double estimate, long exact) {
    assertThat(Math.abs(estimate - exact)).isLessThanOrEqualTo(SKETCH_BOUND * exact + 1e-9);
  }

  private static void land(Path staging, Path landing, java.util.function.Predicate<String> which)
      throws IOException {
    try (Stream<Path> files = Files.walk(staging)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = file.getFileName().toString();
        String stamp = name.replaceAll("^[a-z]+-(\\d{8}-\\d{2}).*$", "$1");
        if (which.test(stamp)) {
          Path target = landing.resolve(staging.relativize(file).toString());
          Files.createDirectories(target.getParent());
          Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void ingest(Platform platform, AdlakeConfig config) {
    Ingestion.Report report =
        new Ingestion(
                platform.spark(),
                config,
                new JdbcLoadLedger(platform.metadata().dataSource()),
                new LocalLandingStore(config.landing().path()),
                line -> {})
            .run(config.feeds());
    assertThat(report.errored()).isZero();
  }

  private static JobResult run(Platform platform, AdlakeConfig config) {
    return run(platform, config, Map.of());
  }

  private static JobResult run(Platform platform, AdlakeConfig config, Map<String, String> given) {
    AdMetricsJob job =
        new AdMetricsJob(
            config.feed(AdMetricsJob.EVENTS_FEED), config.feed(AdMetricsJob.CONVERSIONS_FEED));
    long runId = platform.runs().start(job.definition(), given);
    return job.run(
        new SparkJobContext(
            platform.spark(),
            config,
            platform.metadata(),
            platform::kafkaBootstrapServers,
            platform.tables(),
            runId,
            line -> {}),
        JobParameters.resolve(job.definition(), given));
  }

  /** Rows of serving.ad_metrics that agree with metrics_hourly's ad rows. */
  private static long designTable(Platform platform) throws SQLException {
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM serving.ad_metrics a JOIN serving.metrics_hourly m"
                    + " ON m.level = 'ad' AND m.id = a.ad_id AND m.hour = a.hour AT TIME ZONE 'UTC'"
                    + " WHERE a.total_impressions = m.impressions AND a.total_clicks = m.clicks"
                    + " AND a.total_sessions = m.sessions")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** A digest of the serving store's figures, sketches left out. */
  private static String figuresChecksum(Platform platform) throws SQLException {
    return digest(
        platform,
        List.of(
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.ad_metrics t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.users t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM (SELECT level, id, hour,"
                + " campaign_id, advertiser_id, impressions, clicks, conversions, sessions, users"
                + " FROM serving.metrics_hourly) t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM (SELECT level, id, day,"
                + " campaign_id, advertiser_id, impressions, clicks, conversions"
                + " FROM serving.metrics_daily) t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.dimension_daily t"));
  }

  /** A digest of every serving table's content. */
  private static String servingChecksum(Platform platform) throws SQLException {
    return digest(
        platform,
        List.of(
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.ad_metrics t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.users t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.metrics_hourly t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.metrics_daily t",
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM serving.dimension_daily t"));
  }

  private static String digest(Platform platform, List<String> queries) throws SQLException {
    StringBuilder digest = new StringBuilder();
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String query : queries) {
        try (ResultSet rows = statement.executeQuery(query)) {
          rows.next();
          digest.append(rows.getString(1)).append(' ');
        }
      }
    }
    return digest.toString();
  }
}
