package dev.adlake.core.table;

import dev.adlake.core.job.Domain;
import java.util.List;

/**
 * The serving store's tables, declared once: the names the jobs write, the API reads and the
 * migrations make ({@code db/migration/V3__serving_store.sql}, {@code V4__mapping_tables.sql}).
 * {@link ServingSchemaCheck} holds the migrated database to these declarations.
 */
public final class ServingTables {
  public static final String AD_METRICS = "serving.ad_metrics";
  public static final String USERS = "serving.users";
  public static final String METRICS_HOURLY = "serving.metrics_hourly";
  public static final String METRICS_DAILY = "serving.metrics_daily";
  public static final String DIMENSION_DAILY = "serving.dimension_daily";
  public static final String REFRESHES = "serving.refreshes";
  public static final String MAPPING_INDEX = "serving.mapping_tables";
  public static final String MAPPINGS = "serving.map_*";
  public static final String DOMAIN_CATEGORIES = "serving.domain_categories";

  private ServingTables() {}

  private static TableColumn column(String name, String type) {
    return new TableColumn(name, type, false);
  }

  private static TableColumn nullable(String name, String type) {
    return new TableColumn(name, type, true);
  }

  /** Every table of the serving store. */
  public static List<TableDefinition> all() {
    return List.of(
        TableDefinition.serving(
            DOMAIN_CATEGORIES,
            Domain.DOMAIN_CLASSIFICATION,
            "One IAB Content Taxonomy 3.1 category per domain and region, with its confidence and"
                + " the source that decided (domain-iab-category)",
            List.of(
                column("region", "TEXT"),
                column("domain", "TEXT"),
                column("iab_tier1_id", "TEXT"),
                column("iab_tier2_id", "TEXT"),
                column("confidence", "DOUBLE PRECISION"),
                column("source", "TEXT"),
                column("classified_at", "TIMESTAMPTZ"))),
        TableDefinition.serving(
                AD_METRICS,
                Domain.REPORTING,
                "The ad-metric design's table: impressions, clicks and sessions per ad and hour",
                List.of(
                    column("ad_id", "INT"),
                    column("hour", "TIMESTAMP"),
                    column("total_impressions", "INT"),
                    column("total_clicks", "INT"),
                    column("total_sessions", "INT")))
            .partitionedBy("hash(ad_id)")
            .keptBy("hour", Retention.FOREVER),
        TableDefinition.serving(
                USERS,
                Domain.REPORTING,
                "The ad-metric design's users table: a row per ad, hour and user",
                List.of(
                    column("ad_id", "INT"),
                    column("hour", "TIMESTAMP"),
                    column("user_id", "VARCHAR")))
            .partitionedBy("hash(ad_id)")
            .keptBy("hour", Retention.days(90))
            .withUserColumn("user_id"),
        TableDefinition.serving(
                METRICS_HOURLY,
                Domain.REPORTING,
                "Hourly figures per ad, campaign and advertiser, with HLL sketches, for the API",
                List.of(
                    column("level", "TEXT"),
                    column("id", "INT"),
                    column("hour", "TIMESTAMPTZ"),
                    nullable("campaign_id", "INT"),
                    column("advertiser_id", "INT"),
                    column("impressions", "BIGINT"),
                    column("clicks", "BIGINT"),
                    column("conversions", "BIGINT"),
                    nullable("sessions", "BIGINT"),
                    nullable("users", "BIGINT"),
                    column("sessions_sketch", "BYTEA"),
                    column("users_sketch", "BYTEA")))
            .keptBy("hour", Retention.FOREVER),
        TableDefinition.serving(
                METRICS_DAILY,
                Domain.REPORTING,
                "Daily figures per ad, campaign and advertiser, with HLL sketches, for the API",
                List.of(
                    column("level", "TEXT"),
                    column("id", "INT"),
                    column("day", "DATE"),
                    nullable("campaign_id", "INT"),
                    column("advertiser_id", "INT"),
                    column("impressions", "BIGINT"),
                    column("clicks", "BIGINT"),
                    column("conversions", "BIGINT"),
                    column("sessions_sketch", "BYTEA"),
                    column("users_sketch", "BYTEA")))
            .keptBy("day", Retention.FOREVER),
        TableDefinition.serving(
                DIMENSION_DAILY,
                Domain.REPORTING,
                "Impressions and clicks per campaign, day and site domain or device type",
                List.of(
                    column("dimension", "TEXT"),
                    column("value", "TEXT"),
                    column("day", "DATE"),
                    column("campaign_id", "INT"),
                    column("advertiser_id", "INT"),
                    column("impressions", "BIGINT"),
                    column("clicks", "BIGINT")))
            .keptBy("day", Retention.FOREVER),
        TableDefinition.serving(
                REFRESHES,
                Domain.REPORTING,
                "Each refresh of the serving store by ad-metrics: its run and the hours it replaced",
                List.of(
                    column("refresh_id", "BIGINT"),
                    nullable("run_id", "BIGINT"),
                    column("refreshed_at", "TIMESTAMPTZ"),
                    column("hours_replaced", "INT"),
                    nullable("first_hour", "TIMESTAMPTZ"),
                    nullable("last_hour", "TIMESTAMPTZ")))
            .keptBy("refreshed_at", Retention.days(400)),
        TableDefinition.serving(
            MAPPING_INDEX,
            Domain.REPORTING_ENABLEMENT,
            "The index of the published identity mapping tables: one row per map_<partner>_<region>",
            List.of(
                column("table_name", "TEXT"),
                column("partner", "TEXT"),
                column("region", "TEXT"),
                column("row_count", "BIGINT"),
                nullable("snapshot_id", "BIGINT"),
                nullable("run_id", "BIGINT"),
                column("published_at", "TIMESTAMPTZ"))),
        TableDefinition.serving(
                MAPPINGS,
                Domain.REPORTING_ENABLEMENT,
                "The identity mapping per partner and region, map_<partner>_<region>: each id with"
                    + " its canonical user id; replaced whole by each publication",
                List.of(
                    column("id", "TEXT"),
                    column("canonical_id", "BIGINT"),
                    nullable("first_seen", "TIMESTAMPTZ"),
                    nullable("last_seen", "TIMESTAMPTZ")))
            .withUserColumn("id"));
  }
}
