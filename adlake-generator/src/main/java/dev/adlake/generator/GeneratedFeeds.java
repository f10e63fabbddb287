package dev.adlake.generator;

import java.util.List;

/**
 * The feeds the generator lands, with their folders under the landing zone and their columns, so
 * loaders and the generator agree on one definition.
 */
public final class GeneratedFeeds {
  private GeneratedFeeds() {}

  public static final List<String> ADSERVER_EVENTS_COLUMNS =
      List.of(
          "ad_id",
          "campaign_id",
          "advertiser_id",
          "timestamp",
          "impression_id",
          "ip",
          "user_id",
          "event",
          "url",
          "user_agent");

  public static final List<String> TRACKER_CLICKS_COLUMNS =
      List.of(
          "click_id",
          "impression_id",
          "ad_id",
          "campaign_id",
          "advertiser_id",
          "user_id",
          "ip",
          "timestamp",
          "url");

  public static final List<String> TRACKER_CONVERSIONS_COLUMNS =
      List.of(
          "conversion_id",
          "click_id",
          "ad_id",
          "campaign_id",
          "advertiser_id",
          "user_id",
          "timestamp",
          "conversion_type",
          "value");

  public static final List<String> PARTNER_MAPPINGS_COLUMNS =
      List.of("partner", "partner_id", "user_id", "region", "seen_at");

  /** The true hourly figures per ad, written to the expected folder. */
  public static final String EXPECTED_HOURLY_FILE = "hourly_ad_metrics.csv";

  public static final List<String> EXPECTED_HOURLY_COLUMNS =
      List.of(
          "hour",
          "ad_id",
          "campaign_id",
          "advertiser_id",
          "impressions",
          "clicks",
          "conversions",
          "sessions",
          "users");

  /** A summary of the generation (options, counts, faults), JSON. */
  public static final String EXPECTED_SUMMARY_FILE = "summary.json";
}
