package dev.adlake.spark.metrics;

import dev.adlake.spark.LakeNamespaces;
import org.apache.spark.sql.SparkSession;

/**
 * The lake's reporting tables the ad-metrics job writes, the source the serving store can always be
 * rebuilt from. All are partitioned by hour, so an hour is rewritten by swapping its files in one
 * commit.
 */
final class ReportingTables {
  /** One row per ad and hour: exact figures and the sketches ({@link HourlyRollup#SCHEMA}). */
  static final String AD_HOURLY = "reporting.ad_hourly";

  /** The ad-metric design's users table: one row per ad, hour and user. */
  static final String AD_HOURLY_USERS = "reporting.ad_hourly_users";

  /** Impressions and clicks per campaign, hour and dimension value (site domain, device type). */
  static final String CAMPAIGN_DIMENSION_HOURLY = "reporting.campaign_dimension_hourly";

  private static final String PROPERTIES =
      " USING iceberg PARTITIONED BY (hours(hour)) TBLPROPERTIES ('format-version'='2',"
          + " 'commit.retry.num-retries'='20')";

  private ReportingTables() {}

  static void ensure(SparkSession spark) {
    LakeNamespaces.ensure(spark, "reporting");
    spark.sql(
        ("CREATE TABLE IF NOT EXISTS %s (hour timestamp NOT NULL, ad_id int NOT NULL, campaign_id"
                    + " int NOT NULL, advertiser_id int NOT NULL, impressions bigint NOT NULL, clicks"
                    + " bigint NOT NULL, conversions bigint NOT NULL, sessions bigint NOT NULL, users"
                    + " bigint NOT NULL, sessions_sketch binary NOT NULL, users_sketch binary NOT"
                    + " NULL)")
                .formatted(AD_HOURLY)
            + PROPERTIES);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS %s (hour timestamp NOT NULL, ad_id int NOT NULL, user_id string NOT NULL)"
                .formatted(AD_HOURLY_USERS)
            + PROPERTIES);
    spark.sql(
        ("CREATE TABLE IF NOT EXISTS %s (hour timestamp NOT NULL, campaign_id int NOT NULL,"
                    + " advertiser_id int NOT NULL, dimension string NOT NULL, value string NOT NULL,"
                    + " impressions bigint NOT NULL, clicks bigint NOT NULL)")
                .formatted(CAMPAIGN_DIMENSION_HOURLY)
            + PROPERTIES);
  }
}
