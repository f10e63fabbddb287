package dev.adlake.spark.ingest;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import dev.adlake.core.generate.GeneratedFeeds;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The feeds adlake loads out of the box: the ones the generator lands. */
public final class LandingFeeds {
  private LandingFeeds() {}

  public static final LandingFeed ADSERVER_EVENTS =
      new LandingFeed(
          "adserver-events",
          GeneratedFeeds.ADSERVER_EVENTS,
          "tsv",
          new StructType()
              .add("ad_id", IntegerType)
              .add("campaign_id", IntegerType)
              .add("advertiser_id", IntegerType)
              .add("timestamp", TimestampType)
              .add("impression_id", StringType)
              .add("ip", StringType)
              .add("user_id", StringType)
              .add("event", StringType)
              .add("url", StringType)
              .add("user_agent", StringType),
          List.of("ad_id", "campaign_id", "advertiser_id", "timestamp", "impression_id", "event"),
          "timestamp",
          "raw.adserver__events",
          "ad-server impressions and clicks (TSV)");

  public static final LandingFeed TRACKER_CLICKS =
      new LandingFeed(
          "tracker-clicks",
          GeneratedFeeds.TRACKER_CLICKS,
          "csv",
          new StructType()
              .add("click_id", StringType)
              .add("impression_id", StringType)
              .add("ad_id", IntegerType)
              .add("campaign_id", IntegerType)
              .add("advertiser_id", IntegerType)
              .add("user_id", StringType)
              .add("ip", StringType)
              .add("timestamp", TimestampType)
              .add("url", StringType),
          List.of("click_id", "ad_id", "timestamp"),
          "timestamp",
          "raw.tracker__clicks",
          "tracker clicks (CSV)");

  public static final LandingFeed TRACKER_CONVERSIONS =
      new LandingFeed(
          "tracker-conversions",
          GeneratedFeeds.TRACKER_CONVERSIONS,
          "csv",
          new StructType()
              .add("conversion_id", StringType)
              .add("click_id", StringType)
              .add("ad_id", IntegerType)
              .add("campaign_id", IntegerType)
              .add("advertiser_id", IntegerType)
              .add("user_id", StringType)
              .add("timestamp", TimestampType)
              .add("conversion_type", StringType)
              .add("value", DataTypes.createDecimalType(12, 2)),
          List.of("conversion_id", "ad_id", "timestamp"),
          "timestamp",
          "raw.tracker__conversions",
          "tracker conversions (CSV)");

  public static final LandingFeed ADTRACKER_IMPRESSIONS =
      new LandingFeed(
          "adtracker-impressions",
          GeneratedFeeds.ADTRACKER_IMPRESSIONS,
          "json",
          new StructType()
              .add("event_id", StringType)
              .add("ts", TimestampType)
              .add("ad_id", IntegerType)
              .add("cookie_id", StringType)
              .add("ip", StringType)
              .add("site_domain", StringType)
              .add("page_url", StringType)
              .add("user_agent", StringType),
          List.of("event_id", "ts", "cookie_id"),
          "ts",
          "raw.adtracker__impressions",
          "ad-tracker pixel impressions (JSON lines)");

  public static List<LandingFeed> all() {
    return List.of(ADSERVER_EVENTS, TRACKER_CLICKS, TRACKER_CONVERSIONS, ADTRACKER_IMPRESSIONS);
  }
}
