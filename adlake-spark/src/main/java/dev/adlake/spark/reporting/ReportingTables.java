package dev.adlake.spark.reporting;

import dev.adlake.core.job.Domain;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.spark.LakeTables;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The lake's reporting tables the ad-metrics job writes, the source the serving store can always be
 * rebuilt from. All are partitioned by hour, so an hour is rewritten by swapping its files in one
 * commit.
 */
public final class ReportingTables {
  /** One row per ad and hour: exact figures and the sketches ({@link HourlyRollup#SCHEMA}). */
  static final String AD_HOURLY = "reporting.ad_hourly";

  /** The ad-metric design's users table: one row per ad, hour and user. */
  static final String AD_HOURLY_USERS = "reporting.ad_hourly_users";

  /** Impressions and clicks per campaign, hour and dimension value (site domain, device type). */
  static final String CAMPAIGN_DIMENSION_HOURLY = "reporting.campaign_dimension_hourly";

  private static final Map<String, String> PROPERTIES =
      Map.of("format-version", "2", "commit.retry.num-retries", "20");

  private ReportingTables() {}

  private static TableColumn column(String name, String type) {
    return new TableColumn(name, type, false);
  }

  /** The three tables, as the table catalog declares them. */
  public static List<TableDefinition> definitions() {
    return List.of(
        TableDefinition.lake(
                AD_HOURLY,
                Domain.REPORTING,
                "One row per ad and hour: exact impressions, clicks, conversions, sessions and users,"
                    + " with HLL sketches; the source the serving store is rebuilt from",
                List.of(
                    column("hour", "TIMESTAMP"),
                    column("ad_id", "INT"),
                    column("campaign_id", "INT"),
                    column("advertiser_id", "INT"),
                    column("impressions", "BIGINT"),
                    column("clicks", "BIGINT"),
                    column("conversions", "BIGINT"),
                    column("sessions", "BIGINT"),
                    column("users", "BIGINT"),
                    column("sessions_sketch", "BINARY"),
                    column("users_sketch", "BINARY")))
            .partitionedBy("hours(hour)")
            .keptBy("hour", Retention.FOREVER)
            .withProperties(PROPERTIES),
        TableDefinition.lake(
                AD_HOURLY_USERS,
                Domain.REPORTING,
                "The ad-metric design's users table: one row per ad, hour and user",
                List.of(
                    column("hour", "TIMESTAMP"),
                    column("ad_id", "INT"),
                    column("user_id", "STRING")))
            .partitionedBy("hours(hour)")
            .keptBy("hour", Retention.days(90))
            .withUserColumn("user_id")
            .withProperties(PROPERTIES),
        TableDefinition.lake(
                CAMPAIGN_DIMENSION_HOURLY,
                Domain.REPORTING,
                "Impressions and clicks per campaign, hour and site domain or device type",
                List.of(
                    column("hour", "TIMESTAMP"),
                    column("campaign_id", "INT"),
                    column("advertiser_id", "INT"),
                    column("dimension", "STRING"),
                    column("value", "STRING"),
                    column("impressions", "BIGINT"),
                    column("clicks", "BIGINT")))
            .partitionedBy("hours(hour)")
            .keptBy("hour", Retention.FOREVER)
            .withProperties(PROPERTIES));
  }

  static void ensure(SparkSession spark) {
    definitions().forEach(table -> LakeTables.ensure(spark, table));
  }
}
