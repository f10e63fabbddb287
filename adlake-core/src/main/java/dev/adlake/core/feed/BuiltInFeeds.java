package dev.adlake.core.feed;

import java.util.List;
import java.util.Optional;

/**
 * The feeds adlake loads when none are configured: the ones the generator lands, one or more of
 * each load mode. The folder constants are where under the landing zone each feed reads; the
 * generator writes there.
 */
public final class BuiltInFeeds {
  /** Ad-server events, TSV without header, one row per impression or click (the ad-metric seed). */
  public static final String ADSERVER_EVENTS = "adserver/events";

  /** Tracker clicks, CSV with header. */
  public static final String TRACKER_CLICKS = "tracker/clicks";

  /** Tracker conversions, CSV with header. */
  public static final String TRACKER_CONVERSIONS = "tracker/conversions";

  /** Ad-tracker pixel impressions, JSON lines, with the tracker's own cookie ids. */
  public static final String ADTRACKER_IMPRESSIONS = "adtracker/impressions";

  /**
   * Partners' cookie-mapping files, CSV with header: a partner's id seen with our user id, in a
   * region, at a time (the bulk side of {@link dev.adlake.core.identity.MappingEvent}).
   */
  public static final String PARTNER_MAPPINGS = "partner/mappings";

  /** The Qlik-replicated ODS table: full loads, then change files (__ct). */
  public static final String ODS_PREFIX = "cubic/ods_qlik/EDW.SAMPLE/";

  public static final String ODS_CHANGES_PREFIX = "cubic/ods_qlik/EDW.SAMPLE__ct/";

  /** Daily aggregate files, one per day. */
  public static final String DMAP_PREFIX = "cubic/dmap/agg_sample/";

  /** Dated snapshot folders (snapshot_dt=...), of which the latest is the table. */
  public static final String SNAPSHOTS_PREFIX = "omc/infobase_attributes/raw_input/";

  /** Xandr's log-level impressions (its standard feed), hourly CSV files with header. */
  public static final String XANDR_STANDARD_FEED = "xandr/standard_feed/";

  /** The partner's categories of domains, dated snapshots of CSV with header. */
  public static final String PARTNER_CATEGORIES = "partner/domain_categories/";

  /** The commercial categoriser's categories of domains, dated snapshots of CSV with header. */
  public static final String VENDOR_CATEGORIES = "webshrinker/domain_categories/";

  private BuiltInFeeds() {}

  public static List<Feed> all(double maxRejectRatio) {
    return List.of(
        new Feed(
            "adserver-events",
            ADSERVER_EVENTS,
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
            TRACKER_CLICKS,
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
            TRACKER_CONVERSIONS,
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
            ADTRACKER_IMPRESSIONS,
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
            PARTNER_MAPPINGS,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "partner string not null, partner_id string not null,"
                        + " user_id string not null, region string not null,"
                        + " seen_at timestamp not null")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", PARTNER_MAPPINGS),
            Optional.of("seen_at"),
            LoadMode.APPEND,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "ods-sample",
            ODS_PREFIX,
            FileFormat.CSV,
            Optional.of(FeedSchema.parse(ODS_COLUMNS + ", updated_at timestamp")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", ODS_PREFIX),
            Optional.empty(),
            LoadMode.FULL_SNAPSHOT,
            true,
            List.of("id"),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "ods-sample-changes",
            ODS_CHANGES_PREFIX,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "header__change_seq bigint not null, header__change_oper string not null,"
                        + " header__timestamp timestamp, "
                        + ODS_COLUMNS
                        + ", updated_at timestamp")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", ODS_CHANGES_PREFIX),
            Optional.empty(),
            LoadMode.CHANGE_RECORDS,
            true,
            List.of("id"),
            Optional.of("ods-sample"),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "dmap-agg-sample",
            DMAP_PREFIX,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "service_date date not null, station string not null, riders int")),
            SchemaEvolution.FAIL,
            Feed.tableNameFor("raw", DMAP_PREFIX),
            Optional.empty(),
            LoadMode.APPEND,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "infobase-attributes",
            SNAPSHOTS_PREFIX,
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
            Optional.empty()),
        new Feed(
            "xandr-standard-feed",
            XANDR_STANDARD_FEED,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "auction_id_64 bigint not null, date_time timestamp not null,"
                        + " user_id_64 bigint, site_domain string, placement_id int,"
                        + " creative_id int, advertiser_id int not null, line_item_id int,"
                        + " media_cost_dollars_cpm decimal(18,6), clicks int")),
            SchemaEvolution.FAIL,
            "raw.xandr_standard_feed",
            Optional.of("date_time"),
            LoadMode.APPEND,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "domain-categories-partner",
            PARTNER_CATEGORIES,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "domain string not null, iab_tier1_id string, iab_tier2_id string")),
            SchemaEvolution.FAIL,
            "raw.domain_categories_partner",
            Optional.empty(),
            LoadMode.DATED_SNAPSHOT,
            true,
            List.of(),
            Optional.empty(),
            maxRejectRatio,
            Optional.empty()),
        new Feed(
            "domain-categories-vendor",
            VENDOR_CATEGORIES,
            FileFormat.CSV,
            Optional.of(
                FeedSchema.parse(
                    "domain string not null, category_id string not null, confidence double")),
            SchemaEvolution.FAIL,
            "raw.domain_categories_vendor",
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
