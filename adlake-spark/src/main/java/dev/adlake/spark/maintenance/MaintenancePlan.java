package dev.adlake.spark.maintenance;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.spark.sql.SparkSession;

/**
 * What the maintenance jobs would do next, changing nothing: per table or folder its policy and the
 * rows, files and bytes retention would remove, and per lake table the small files compaction would
 * rewrite and the snapshots expiry would drop. {@code adlake maintenance plan} prints it.
 */
public final class MaintenancePlan {
  /** One table's or folder's next step. */
  public record Step(String target, String policy, MaintenanceAction action) {}

  private MaintenancePlan() {}

  public static List<Step> of(
      SparkSession spark,
      DataSource serving,
      TableCatalog catalog,
      AdlakeConfig config,
      Instant now) {
    List<Step> steps = new ArrayList<>();
    RetentionPlanner planner = new RetentionPlanner(spark, serving, catalog, config);
    for (String target : planner.targets()) {
      Retention retention = planner.retention(target);
      if (retention.kind() != Retention.Kind.FOREVER) {
        steps.add(new Step(target, retention.text(), planner.plan(target, now)));
      }
    }
    for (TableDefinition table : catalog.of(TableStore.LAKE)) {
      if (!table.family() && spark.catalog().tableExists(table.name())) {
        for (MaintenanceAction action :
            TableUpkeep.plan(spark, table.name(), config.maintenance(), now)) {
          steps.add(new Step(table.name(), "upkeep", action));
        }
      }
    }
    return steps;
  }
}
