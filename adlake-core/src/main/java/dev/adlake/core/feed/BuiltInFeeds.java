package dev.adlake.core.feed;

import dev.adlake.core.generate.GeneratedFeeds;
import dev.adlake.core.generate.ReferenceDataGenerator;
import java.util.List;
import java.util.Optional;

/**
 * The feeds adlake loads when none are configured: the ones the generator lands, one or more of
 * each load mode.
 */
public final class BuiltInFeeds {
  private BuiltInFeeds() {}

  public static List<Feed> all(double maxRejectRatio) {
    return List.of(
        new Feed(
            "adserver-events",
            GeneratedFeeds.ADSERVER_EVENTS,
            FileFormat.TSV,
            Optional.of(
                FeedSchema.parse(
                    "ad_id int not null, campaign_id int not null, advertiser_id int not null,"
                        + " timestamp timestamp not null, impression_id string not null, ip string,"
                        + " user_id string, event string not null, url string, user_agent string")),
            SchemaEvolution.FAIL,
            "raw.adserver__events",
            Optional.of("timestamp"),
            LoadMode.APPEND,
            false,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "tracker-clicks",
            GeneratedFeeds.TRACKER_CLICKS,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "click_id string not null, impression_id string, ad_id int not null,"
                        + " campaign_id int, advertiser_id int, user_id string, ip string,"
                        + " timestamp timestamp not null, url string")),
            SchemaEvolution.FAIL,
            "raw.tracker__clicks",
            Optional.of("timestamp"),
            LoadMode.APPEND,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "tracker-conversions",
            GeneratedFeeds.TRACKER_CONVERSIONS,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "conversion_id string not null, click_id string, ad_id int not null,"
                        + " campaign_id int, advertiser_id int, user_id string,"
                        + " timestamp timestamp not null, conversion_type string, value decimal(12,2)")),
            SchemaEvolution.FAIL,
            "raw.tracker__conversions",
            Optional.of("timestamp"),
            LoadMode.APPEND,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "adtracker-impressions",
            GeneratedFeeds.ADTRACKER_IMPRESSIONS,
            FileFormat.JSON,
            Optional.of(
                FeedSchema.parse(
                    "event_id string not null, ts timestamp not null, ad_id int,"
                        + " cookie_id string not null, ip string, site_domain string,"
                        + " page_url string, user_agent string")),
            SchemaEvolution.FAIL,
            "raw.adtracker__impressions",
            Optional.of("ts"),
            LoadMode.APPEND,
            false,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "partner-mappings",
            GeneratedFeeds.PARTNER_MAPPINGS,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "partner string not null, partner_id string not null,"
                        + " user_id string not null, region string not null,"
                        + " seen_at timestamp not null")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", GeneratedFeeds.PARTNER_MAPPINGS),
            Optional.of("seen_at"),
            LoadMode.APPEND,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "ods-sample",
            ReferenceDataGenerator.ODS_PREFIX,
            FileFormat.CSV,
            Optional.of(FeedSchema.parse(ODS_COLUMNS + ", updated_at timestamp")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", ReferenceDataGenerator.ODS_PREFIX),
            Optional.empty(),
            LoadMode.FULL_SNAPSHOT,
            true,
            List.of("id"),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "ods-sample-changes",
            ReferenceDataGenerator.ODS_CHANGES_PREFIX,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "header__change_seq bigint not null, header__change_oper string not null,"
                        + " header__timestamp timestamp, "
                        + ODS_COLUMNS
                        + ", updated_at timestamp")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", ReferenceDataGenerator.ODS_CHANGES_PREFIX),
            Optional.empty(),
            LoadMode.CHANGE_RECORDS,
            true,
            List.of("id"),
            Optional.of("ods-sample"),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "dmap-agg-sample",
            ReferenceDataGenerator.DMAP_PREFIX,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "service_date date not null, station string not null, riders int")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", ReferenceDataGenerator.DMAP_PREFIX),
            Optional.empty(),
            LoadMode.APPEND,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "infobase-attributes",
            ReferenceDataGenerator.SNAPSHOTS_PREFIX,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse("customer_user_id string not null, segment string, score int")),
            SchemaEvolution.FAIL,
            "raw.omc__infobase_attributes",
            Optional.empty(),
            LoadMode.DATED_SNAPSHOT,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()));
  }

  private static final String ODS_COLUMNS = "id int not null, name string, fare decimal(8,2)";
}
