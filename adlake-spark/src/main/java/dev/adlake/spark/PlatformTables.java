package dev.adlake.spark;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.ServingTables;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.spark.classification.ClassificationTables;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.ingestion.FeedTables;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import dev.adlake.spark.reporting.ReportingTables;

/**
 * The table catalog of the platform: each domain's lake tables as its package declares them (a
 * feed's from its configuration), and the serving store's; a table's retention configured under
 * {@code tables.<table>.retention} replaces the one its domain declares.
 */
public final class PlatformTables {
  private PlatformTables() {}

  public static TableCatalog catalog(AdlakeConfig config) {
    TableCatalog catalog = new TableCatalog();
    config.feeds().forEach(feed -> catalog.addAll(FeedTables.definitions(feed, feed.schema())));
    catalog.addAll(EventsTables.DEFAULT.definitions());
    catalog.addAll(IdentityTables.DEFAULT.definitions());
    catalog.addAll(ReportingTables.definitions());
    if (SparkJobs.labelSources(config).isPresent()) {
      catalog.addAll(ClassificationTables.all(config.classification()));
    }
    catalog.addAll(ServingTables.all());
    config
        .maintenance()
        .tableRetention()
        .forEach(
            (table, retention) ->
                catalog.retain(
                    table, Retention.parse(retention), "tables." + table + ".retention"));
    return catalog;
  }
}
