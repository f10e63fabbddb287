package dev.adlake.spark.maintenance;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.core.metadata.JdbcMaintenanceLog;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The upkeep of every Iceberg table of the lake: compaction, manifest rewrites, snapshot expiry and
 * orphan removal (see {@link TableUpkeep}), each step's files and bytes recorded in {@code
 * adlake.maintenance_actions}. A dry run says what compaction and expiry would take.
 */
public final class TableUpkeepJob implements SparkJob {
  public static final String NAME = "table-upkeep";

  public static final JobParameter<Boolean> DRY_RUN =
      JobParameter.optional(
          "dry-run", ValueType.bool(), "false", "Say what compaction and expiry would take");

  public static final JobParameter<String> TABLE =
      JobParameter.optional("table", ValueType.string(), null, "Only this lake table");

  public static final JobParameter<List<String>> STEPS =
      JobParameter.optional(
          "steps",
          ValueType.listOf(
              ValueType.oneOf(TableUpkeep.STEPS.toArray(String[]::new)),
              "steps among " + String.join(", ", TableUpkeep.STEPS)),
          String.join(",", TableUpkeep.STEPS),
          "The steps to run, in their order; by default all");

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.MAINTENANCE,
          JobKind.BATCH,
          "Compacts small files, rewrites manifests, expires old snapshots and removes orphan"
              + " files of every lake table",
          // It acts on every table the catalog keeps for less than forever (or on every lake
          // table), not on datasets of its own; what it writes is the maintenance history.
          List.of(),
          List.of(Dataset.external(MaintenanceHistory.TABLE)),
          List.of(DRY_RUN, TABLE, STEPS));

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    boolean dryRun = parameters.get(DRY_RUN);
    Optional<String> only = parameters.find(TABLE);
    List<String> tables =
        context.tables().of(TableStore.LAKE).stream()
            .filter(table -> !table.family())
            .map(TableDefinition::name)
            .filter(name -> context.spark().catalog().tableExists(name))
            .toList();
    if (only.isPresent() && !tables.contains(only.get())) {
      throw new InvalidInputException(
          "No lake table named '%s' to keep up; the lake's tables are: %s"
              .formatted(only.get(), String.join(", ", tables)));
    }
    JdbcMaintenanceLog log = new JdbcMaintenanceLog(context.metadata().dataSource());
    Instant now = Instant.now();
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("tables", 0L);
    figures.put("files_removed", 0L);
    figures.put("files_added", 0L);
    figures.put("bytes_reclaimed", 0L);
    for (String name : tables) {
      if (only.isPresent() && !only.get().equals(name)) {
        continue;
      }
      figures.merge("tables", 1L, Long::sum);
      List<MaintenanceAction> actions =
          dryRun
              ? TableUpkeep.plan(context.spark(), name, context.config().maintenance(), now)
              : TableUpkeep.apply(
                  context.spark(),
                  name,
                  context.config().maintenance(),
                  now,
                  context.runId(),
                  new java.util.LinkedHashSet<>(parameters.get(STEPS)),
                  context.progress());
      for (MaintenanceAction action : actions) {
        figures.merge("files_removed", action.filesRemoved(), Long::sum);
        figures.merge("files_added", action.filesAdded(), Long::sum);
        figures.merge("bytes_reclaimed", action.bytesRemoved() - action.bytesAdded(), Long::sum);
        if (action.changesSomething() || dryRun) {
          context
              .progress()
              .accept(
                  "%s %s %s: %s"
                      .formatted(dryRun ? "would" : "did", action.action(), name, action.detail()));
        }
        if (!dryRun && action.changesSomething()) {
          log.record(action);
        }
      }
    }
    return new JobResult(
        0,
        0,
        figures,
        Map.of(
            "files_removed", Unit.FILES, "files_added", Unit.FILES, "bytes_reclaimed", Unit.BYTES));
  }
}
