package dev.adlake.spark.reporting;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.metadata.Transactions;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.core.table.ServingTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.CopyRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Builds the hourly ad metrics: rolls up the hours touched by loads committed since the last run
 * (late events update the hours they belong to) into the lake's reporting tables, then replaces
 * those hours, and the days they fall in, in the serving store in one transaction. A rerun with no
 * new loads changes nothing; a run cut short is redone by the next, since loads are marked rolled
 * up in that same transaction.
 */
public final class AdMetricsJob implements SparkJob {
  public static final String NAME = "ad-metrics";

  /** The feeds it reads when the configuration has them: ad-server events and conversions. */
  public static final String EVENTS_FEED = "adserver-events";

  public static final String CONVERSIONS_FEED = "tracker-conversions";

  public static final JobParameter<Boolean> FULL =
      JobParameter.optional(
          "full",
          ValueType.bool(),
          "false",
          "Recompute every hour in the lake, not only the hours of new loads");

  public static final JobParameter<LocalDate> DAY =
      JobParameter.optional(
          JobDefinition.DAY,
          ValueType.date(),
          null,
          "Recompute the hours of this day (UTC) only, as a backfill does; new loads stay pending");

  private static final String SKETCH_UNION = "adlake_sketch_union";
  private static final String DEVICE_CLASS = "adlake_device_class";
  private static final List<String> SERVING_TABLES =
      List.of(
          ServingTables.AD_METRICS,
          ServingTables.USERS,
          ServingTables.METRICS_HOURLY,
          ServingTables.METRICS_DAILY,
          ServingTables.DIMENSION_DAILY,
          ServingTables.REFRESHES);

  private final Feed events;
  private final Feed conversions;
  private final JobDefinition definition;
  private final Consumer<String> progress;

  public AdMetricsJob(Feed events, Feed conversions) {
    this(events, conversions, line -> {});
  }

  private AdMetricsJob(Feed events, Feed conversions, Consumer<String> progress) {
    this.events = events;
    this.conversions = conversions;
    this.progress = progress;
    List<Dataset> writes = new ArrayList<>();
    writes.add(Dataset.table(ReportingTables.AD_HOURLY));
    writes.add(Dataset.table(ReportingTables.AD_HOURLY_USERS));
    writes.add(Dataset.table(ReportingTables.CAMPAIGN_DIMENSION_HOURLY));
    SERVING_TABLES.forEach(table -> writes.add(Dataset.servingTable(table)));
    this.definition =
        new JobDefinition(
            NAME,
            Domain.REPORTING,
            JobKind.BATCH,
            "Hourly impressions, clicks, conversions, sessions and users per ad, campaign and"
                + " advertiser (exact, with HLL sketches), for the API and dashboard",
            List.of(Dataset.table(events.table()), Dataset.table(conversions.table())),
            writes,
            List.of(FULL, DAY));
  }

  /** The same job with a line per step going to {@code progress}. */
  public AdMetricsJob withProgress(Consumer<String> progress) {
    return new AdMetricsJob(events, conversions, progress);
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    return withProgress(context.progress()).execute(context, parameters);
  }

  private JobResult execute(SparkJobContext context, JobParameters parameters) {
    SparkSession spark = context.spark();
    DataSource dataSource = context.metadata().dataSource();
    ReportingTables.ensure(spark);
    registerFunctions(spark);

    boolean full = parameters.get(FULL);
    Optional<LocalDate> day = parameters.find(DAY);
    if (full && day.isPresent()) {
      throw new InvalidInputException(
          "Parameters full and day exclude each other: full recomputes every hour in the lake,"
              + " day the hours of one day");
    }
    // A day's recompute leaves new loads pending: their other hours are the next run's.
    List<Long> loads =
        day.isPresent()
            ? List.of()
            : MetricsLoads.pending(dataSource, List.of(events.name(), conversions.name()));
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("loads_rolled_up", (long) loads.size());
    if (loads.isEmpty() && !full && day.isEmpty()) {
      progress.accept("no new loads since the last run: nothing to do");
      figures.put("hours_replaced", 0L);
      return new JobResult(0, 0, figures);
    }
    if (!spark.catalog().tableExists(events.table())
        || !spark.catalog().tableExists(conversions.table())) {
      // Loads stay pending: their hours are rolled up once both tables are there.
      progress.accept(
          "waiting for both %s and %s to be loaded".formatted(events.table(), conversions.table()));
      figures.put("loads_rolled_up", 0L);
      figures.put("hours_replaced", 0L);
      return new JobResult(0, 0, figures);
    }
    TreeSet<Long> hours =
        step("found the hours touched", () -> touchedHours(spark, loads, full, day));
    figures.put("hours_replaced", (long) hours.size());
    if (hours.isEmpty()) {
      replaceInServingStore(context, hours, List.of(), loads, figures);
      return new JobResult(0, 0, figures);
    }
    progress.accept(
        "%d load(s), %d hour(s) from %s to %s"
            .formatted(
                loads.size(), hours.size(), hourText(hours.first()), hourText(hours.last())));

    Column eventHours = inHours(col("event_time"), hours);
    org.apache.spark.sql.Dataset<Row> eventRows = spark.table(events.table()).where(eventHours);
    org.apache.spark.sql.Dataset<Row> conversionRows =
        spark.table(conversions.table()).where(eventHours);
    int partitions = spark.sessionState().conf().numShufflePartitions();
    org.apache.spark.sql.Dataset<Row> rollup =
        HourlyRollup.rollup(eventRows, conversionRows, partitions);
    Column rollupHours = atHours(col("hour"), hours);
    step(
        "rolled up into " + ReportingTables.AD_HOURLY,
        () -> overwrite(rollup, ReportingTables.AD_HOURLY, rollupHours));

    boolean users = context.config().metrics().servingUsers();
    if (users) {
      step(
          ReportingTables.AD_HOURLY_USERS,
          () ->
              overwrite(
                  eventRows
                      .where(
                          col("user_id").isNotNull().and(col("event").isin("impression", "click")))
                      .select(
                          date_trunc("HOUR", col("event_time")).as("hour"),
                          col("ad_id"),
                          col("user_id"))
                      .distinct(),
                  ReportingTables.AD_HOURLY_USERS,
                  rollupHours));
    }
    step(
        ReportingTables.CAMPAIGN_DIMENSION_HOURLY,
        () ->
            overwrite(
                dimensions(eventRows), ReportingTables.CAMPAIGN_DIMENSION_HOURLY, rollupHours));

    TreeSet<LocalDate> days = new TreeSet<>();
    hours.forEach(hour -> days.add(LocalDate.ofInstant(hourInstant(hour), ZoneOffset.UTC)));
    replaceInServingStore(context, hours, List.copyOf(days), loads, figures);
    // Rows in: what the new loads brought; rows out: the ad-hour rows of the replaced hours.
    return new JobResult(
        MetricsLoads.rowsWritten(dataSource, loads),
        figures.getOrDefault("ad_hour_rows", 0L),
        figures);
  }

  /** Runs one step of the job and reports how long it took. */
  private <T> T step(String name, java.util.function.Supplier<T> work) {
    long started = System.nanoTime();
    T result = work.get();
    progress.accept("%s (%.1f s)".formatted(name, (System.nanoTime() - started) / 1e9));
    return result;
  }

  private void step(String name, Runnable work) {
    step(
        name,
        () -> {
          work.run();
          return null;
        });
  }

  /** The hours (since the epoch) of the rows of the given loads, or of every row when full. */
  private TreeSet<Long> touchedHours(
      SparkSession spark, List<Long> loads, boolean full, Optional<LocalDate> day) {
    TreeSet<Long> hours = new TreeSet<>();
    for (String table : List.of(events.table(), conversions.table())) {
      org.apache.spark.sql.Dataset<Row> rows = spark.table(table);
      if (day.isPresent()) {
        Instant start = day.get().atStartOfDay(ZoneOffset.UTC).toInstant();
        rows =
            rows.where(
                col("event_time")
                    .geq(lit(start))
                    .and(col("event_time").lt(lit(start.plus(java.time.Duration.ofDays(1))))));
      } else if (!full) {
        // Each load writes its own files, so their _load_id bounds prune all other files.
        rows = rows.where(col("_load_id").isin(loads.toArray()));
      }
      rows.select(HourlyRollup.hourIndex(col("event_time")).as("hour"))
          .where(col("hour").isNotNull())
          .distinct()
          .collectAsList()
          .forEach(row -> hours.add(row.getLong(0)));
    }
    return hours;
  }

  /** Rows in these hours: a time range the scan prunes files by, then the exact hours. */
  private static Column inHours(Column time, TreeSet<Long> hours) {
    Instant first = hourInstant(hours.first());
    Instant end = hourInstant(hours.last() + 1);
    Column range = time.geq(lit(first)).and(time.lt(lit(end)));
    if (hours.last() - hours.first() + 1 == hours.size()) {
      return range;
    }
    Object[] starts = hours.stream().map(AdMetricsJob::hourInstant).toArray();
    return range.and(date_trunc("HOUR", time).isin(starts));
  }

  /**
   * Rows whose hour column (a whole hour already) is one of these: a filter Iceberg can apply to an
   * overwrite, since it names the partition column directly.
   */
  private static Column atHours(Column hour, TreeSet<Long> hours) {
    if (hours.last() - hours.first() + 1 == hours.size()) {
      return hour.geq(lit(hourInstant(hours.first())))
          .and(hour.lt(lit(hourInstant(hours.last() + 1))));
    }
    return hour.isin(hours.stream().map(AdMetricsJob::hourInstant).toArray());
  }

  /** Replaces the rows of these hours in an Iceberg table in one commit. */
  private static void overwrite(
      org.apache.spark.sql.Dataset<Row> rows, String table, Column hours) {
    try {
      rows.writeTo(table).overwrite(hours);
    } catch (org.apache.spark.sql.AnalysisException e) {
      throw new IllegalStateException(
          "Cannot replace hours in %s: %s".formatted(table, e.getMessage()), e);
    }
  }

  /**
   * Distinct impressions and clicks per campaign, hour and dimension value: {@code site_domain}
   * (the page's host without www. or m.) and {@code device_type} (Yauaa's device class of the user
   * agent). Events are deduplicated once on narrow columns, then counted.
   */
  private static org.apache.spark.sql.Dataset<Row> dimensions(
      org.apache.spark.sql.Dataset<Row> eventRows) {
    return eventRows
        .where(col("event").isin("impression", "click"))
        .select(
            date_trunc("HOUR", col("event_time")).as("hour"),
            col("campaign_id"),
            col("advertiser_id"),
            col("event"),
            col("impression_id"),
            expr("coalesce(regexp_replace(lower(parse_url(url, 'HOST')), '^(www|m)\\\\.', ''), '')")
                .as("site_domain"),
            expr(DEVICE_CLASS + "(user_agent)").as("device_type"))
        .distinct()
        .selectExpr(
            "hour",
            "campaign_id",
            "advertiser_id",
            "stack(2, 'site_domain', site_domain, 'device_type', device_type) AS (dimension, value)",
            "CASE WHEN event = 'impression' THEN 1 ELSE 0 END AS impression",
            "CASE WHEN event = 'click' THEN 1 ELSE 0 END AS click")
        .groupBy("hour", "campaign_id", "advertiser_id", "dimension", "value")
        .agg(expr("sum(impression) AS impressions"), expr("sum(click) AS clicks"));
  }

  /**
   * Replaces the hours and days in every serving table, records the refresh and marks the loads
   * rolled up, all in one transaction: readers see the old hours or the new ones, never a mix.
   */
  private void replaceInServingStore(
      SparkJobContext context,
      TreeSet<Long> hours,
      List<LocalDate> days,
      List<Long> loads,
      Map<String, Long> figures) {
    SparkSession spark = context.spark();
    Transactions.inTransaction(
        context.metadata().dataSource(),
        "replace %d hour(s) in the serving store".formatted(hours.size()),
        connection -> {
          if (!hours.isEmpty()) {
            copyHours(
                connection, spark, hours, days, figures, context.config().metrics().servingUsers());
          }
          try (PreparedStatement refresh =
              connection.prepareStatement(
                  "INSERT INTO "
                      + ServingTables.REFRESHES
                      + " (run_id, hours_replaced, first_hour, last_hour)"
                      + " VALUES (?, ?, ?, ?)")) {
            refresh.setLong(1, context.runId());
            refresh.setInt(2, hours.size());
            refresh.setObject(3, hours.isEmpty() ? null : utc(hours.first()));
            refresh.setObject(4, hours.isEmpty() ? null : utc(hours.last()));
            refresh.executeUpdate();
          }
          MetricsLoads.markProcessed(connection, loads, context.runId());
          return null;
        });
    progress.accept(
        "serving store: %d hour(s) and %d day(s) replaced".formatted(hours.size(), days.size()));
  }

  private void copyHours(
      Connection connection,
      SparkSession spark,
      TreeSet<Long> hours,
      List<LocalDate> days,
      Map<String, Long> figures,
      boolean users)
      throws SQLException {
    // Arrays of ISO texts: PostgreSQL reads them the same whatever the JVM's time zone.
    java.sql.Array hourArray =
        connection.createArrayOf(
            "timestamptz", hours.stream().map(hour -> hourInstant(hour).toString()).toArray());
    java.sql.Array localHourArray =
        connection.createArrayOf(
            "timestamp",
            hours.stream().map(hour -> utc(hour).toLocalDateTime().toString()).toArray());
    java.sql.Array dayArray =
        connection.createArrayOf("date", days.stream().map(LocalDate::toString).toArray());
    delete(
        connection,
        "DELETE FROM " + ServingTables.AD_METRICS + " WHERE hour = ANY (?)",
        localHourArray);
    delete(
        connection, "DELETE FROM " + ServingTables.USERS + " WHERE hour = ANY (?)", localHourArray);
    delete(
        connection,
        "DELETE FROM "
            + ServingTables.METRICS_HOURLY
            + " WHERE level IN ('ad', 'campaign', 'advertiser')"
            + " AND hour = ANY (?)",
        hourArray);
    delete(
        connection,
        "DELETE FROM "
            + ServingTables.METRICS_DAILY
            + " WHERE level IN ('ad', 'campaign', 'advertiser')"
            + " AND day = ANY (?)",
        dayArray);
    delete(
        connection,
        "DELETE FROM " + ServingTables.DIMENSION_DAILY + " WHERE day = ANY (?)",
        dayArray);

    org.apache.spark.sql.Dataset<Row> adHours =
        spark.table(ReportingTables.AD_HOURLY).where(atHours(col("hour"), hours));
    figures.put(
        "ad_hour_rows",
        CopyRows.copy(
            progress,
            connection,
            ServingTables.AD_METRICS,
            "ad_id, hour, total_impressions, total_clicks, total_sessions",
            adHours.toLocalIterator(),
            CopyRows.number("ad_id"),
            CopyRows.utc("hour"),
            CopyRows.number("impressions"),
            CopyRows.number("clicks"),
            CopyRows.number("sessions")));
    if (users) {
      figures.put(
          "user_rows",
          CopyRows.copy(
              progress,
              connection,
              ServingTables.USERS,
              "ad_id, hour, user_id",
              spark
                  .table(ReportingTables.AD_HOURLY_USERS)
                  .where(atHours(col("hour"), hours))
                  .toLocalIterator(),
              CopyRows.number("ad_id"),
              CopyRows.utc("hour"),
              CopyRows.text("user_id")));
    }

    Column inDays = to_date(col("hour")).isin(days.toArray());
    org.apache.spark.sql.Dataset<Row> dayHours =
        spark.table(ReportingTables.AD_HOURLY).where(inDays);
    org.apache.spark.sql.Dataset<Row> hourly =
        adHours
            .selectExpr(
                "'ad' AS level",
                "ad_id AS id",
                "hour AS time",
                "campaign_id",
                "advertiser_id",
                "impressions",
                "clicks",
                "conversions",
                "sessions",
                "users",
                "sessions_sketch",
                "users_sketch")
            .unionByName(levels(adHours, "campaign", "hour"))
            .unionByName(levels(adHours, "advertiser", "hour"));
    figures.put(
        "serving_hourly_rows",
        CopyRows.copy(
            progress,
            connection,
            ServingTables.METRICS_HOURLY,
            "level, id, hour, campaign_id, advertiser_id, impressions, clicks, conversions,"
                + " sessions, users, sessions_sketch, users_sketch",
            hourly.toLocalIterator(),
            CopyRows.text("level"),
            CopyRows.number("id"),
            CopyRows.utc("time"),
            CopyRows.number("campaign_id"),
            CopyRows.number("advertiser_id"),
            CopyRows.number("impressions"),
            CopyRows.number("clicks"),
            CopyRows.number("conversions"),
            CopyRows.number("sessions"),
            CopyRows.number("users"),
            CopyRows.bytes("sessions_sketch"),
            CopyRows.bytes("users_sketch")));
    org.apache.spark.sql.Dataset<Row> daily =
        levels(dayHours, "ad", "day")
            .unionByName(levels(dayHours, "campaign", "day"))
            .unionByName(levels(dayHours, "advertiser", "day"));
    figures.put(
        "serving_daily_rows",
        CopyRows.copy(
            progress,
            connection,
            ServingTables.METRICS_DAILY,
            "level, id, day, campaign_id, advertiser_id, impressions, clicks, conversions,"
                + " sessions_sketch, users_sketch",
            daily.toLocalIterator(),
            CopyRows.text("level"),
            CopyRows.number("id"),
            CopyRows.day("time"),
            CopyRows.number("campaign_id"),
            CopyRows.number("advertiser_id"),
            CopyRows.number("impressions"),
            CopyRows.number("clicks"),
            CopyRows.number("conversions"),
            CopyRows.bytes("sessions_sketch"),
            CopyRows.bytes("users_sketch")));
    figures.put(
        "serving_dimension_rows",
        CopyRows.copy(
            progress,
            connection,
            ServingTables.DIMENSION_DAILY,
            "dimension, value, day, campaign_id, advertiser_id, impressions, clicks",
            spark
                .table(ReportingTables.CAMPAIGN_DIMENSION_HOURLY)
                .where(inDays)
                .groupBy(
                    col("dimension"),
                    col("value"),
                    to_date(col("hour")).as("day"),
                    col("campaign_id"),
                    col("advertiser_id"))
                .agg(expr("sum(impressions) AS impressions"), expr("sum(clicks) AS clicks"))
                .toLocalIterator(),
            CopyRows.text("dimension"),
            CopyRows.text("value"),
            CopyRows.day("day"),
            CopyRows.number("campaign_id"),
            CopyRows.number("advertiser_id"),
            CopyRows.number("impressions"),
            CopyRows.number("clicks")));
  }

  /**
   * Ad rows summed to a level ({@code ad}, {@code campaign} or {@code advertiser}) by hour or day:
   * counts add up, sketches merge; exact sessions and users do not add up, so they are left null.
   */
  private static org.apache.spark.sql.Dataset<Row> levels(
      org.apache.spark.sql.Dataset<Row> adHours, String level, String grain) {
    String id =
        switch (level) {
          case "ad" -> "ad_id";
          case "campaign" -> "campaign_id";
          default -> "advertiser_id";
        };
    String campaign = level.equals("advertiser") ? "CAST(NULL AS INT)" : "first(campaign_id)";
    String time = grain.equals("day") ? "to_date(hour)" : "hour";
    return adHours
        .groupBy(expr(id + " AS id"), expr(time + " AS time"))
        .agg(
            expr(campaign + " AS campaign_id"),
            expr("first(advertiser_id) AS advertiser_id"),
            expr("sum(impressions) AS impressions"),
            expr("sum(clicks) AS clicks"),
            expr("sum(conversions) AS conversions"),
            expr("CAST(NULL AS BIGINT) AS sessions"),
            expr("CAST(NULL AS BIGINT) AS users"),
            expr(SKETCH_UNION + "(collect_list(sessions_sketch)) AS sessions_sketch"),
            expr(SKETCH_UNION + "(collect_list(users_sketch)) AS users_sketch"))
        // Unions are by name and the copy reads columns by name, so their order does not matter.
        .withColumn("level", lit(level));
  }

  private static void delete(Connection connection, String sql, java.sql.Array values)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, values);
      statement.executeUpdate();
    }
  }

  private static void registerFunctions(SparkSession spark) {
    if (spark.catalog().functionExists(SKETCH_UNION)) {
      return;
    }
    spark
        .udf()
        .register(DEVICE_CLASS, (UDF1<String, String>) DeviceClasses::of, DataTypes.StringType);
    spark
        .udf()
        .register(
            SKETCH_UNION,
            (UDF1<scala.collection.Seq<byte[]>, byte[]>)
                sketches -> HllSketches.merge(CollectionConverters.asJava(sketches)),
            DataTypes.BinaryType);
  }

  private static java.time.OffsetDateTime utc(long hour) {
    return hourInstant(hour).atOffset(ZoneOffset.UTC);
  }

  static Instant hourInstant(long hour) {
    return Instant.ofEpochSecond(hour * 3600);
  }

  private static String hourText(long hour) {
    return hourInstant(hour).toString();
  }
}
