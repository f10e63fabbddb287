package dev.adlake.spark.maintenance;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.MaintenanceConfig;
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
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.CrashPoints;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The maintenance domain's retention (the data-flow design's {@code
 * cleanupOldDataInReportingTables} and {@code cleanupNonMonthlyTables}): every lake and serving
 * table whose retention in the table catalog is not forever loses the rows its policy drops, and
 * the landing zone's archive and error folders and the Kafka archive lose their old files. Each
 * table's deletion is recorded in {@code adlake.maintenance_actions}. A dry run changes nothing and
 * lists what would go.
 */
public final class RetentionJob implements SparkJob {
  public static final String NAME = "apply-retention";

  /** The action's name in the maintenance history. */
  static final String ACTION = "retention";

  public static final JobParameter<Boolean> DRY_RUN =
      JobParameter.optional(
          "dry-run",
          ValueType.bool(),
          "false",
          "List what would go, with rows and bytes; change nothing");

  public static final JobParameter<LocalDate> AS_OF =
      JobParameter.optional(
          "as-of",
          ValueType.date(),
          null,
          "Apply the policies as on this day (UTC), not now: what a run on that day would do");

  public static final JobParameter<String> TABLE =
      JobParameter.optional(
          "table", ValueType.string(), null, "Only this table (or folder) of the table catalog");

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.MAINTENANCE,
          JobKind.BATCH,
          "Deletes the rows each lake and serving table's retention drops, and old files of the"
              + " landing archive, error folder and Kafka archive",
          // It acts on every table the catalog keeps for less than forever (or on every lake
          // table), not on datasets of its own; what it writes is the maintenance history.
          List.of(),
          List.of(Dataset.external(MaintenanceHistory.TABLE)),
          List.of(DRY_RUN, AS_OF, TABLE));

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    boolean dryRun = parameters.get(DRY_RUN);
    Instant now =
        parameters
            .find(AS_OF)
            .map(day -> day.atStartOfDay(ZoneOffset.UTC).toInstant())
            .orElseGet(Instant::now);
    Optional<String> only = parameters.find(TABLE);
    RetentionPlanner planner =
        new RetentionPlanner(
            context.spark(), context.metadata().dataSource(), context.tables(), context.config());
    if (only.isPresent()
        && !planner.targets().contains(only.get())
        && context.tables().find(only.get()).isEmpty()) {
      throw new InvalidInputException(
          "No table or folder named '%s' to apply retention to; they are: %s"
              .formatted(only.get(), String.join(", ", planner.targets())));
    }
    JdbcMaintenanceLog log = new JdbcMaintenanceLog(context.metadata().dataSource());
    MaintenanceConfig settings = context.config().maintenance();
    long rows = 0;
    long files = 0;
    long bytes = 0;
    long changed = 0;
    for (String target : planner.targets()) {
      if (only.isPresent() && !only.get().equals(target)) {
        continue;
      }
      MaintenanceAction action =
          dryRun
              ? planner.plan(target, now)
              : planner.apply(
                  target, now, settings.servingBatchRows(), context.runId(), context.progress());
      if (!action.changesSomething()) {
        continue;
      }
      changed++;
      rows += action.rowsRemoved();
      files += action.filesRemoved();
      bytes += action.bytesRemoved() - action.bytesAdded();
      context
          .progress()
          .accept(
              "%s%s: %s rows, %s files, %s (%s)"
                  .formatted(
                      dryRun ? "would clean " : "cleaned ",
                      target,
                      Unit.ROWS.format(action.rowsRemoved()),
                      Unit.FILES.format(action.filesRemoved()),
                      Unit.BYTES.format(action.bytesRemoved()),
                      action.detail()));
      if (!dryRun) {
        log.record(action);
        CrashPoints.crashIf("retention-after-table");
      }
    }
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("tables_cleaned", changed);
    figures.put("rows_removed", rows);
    figures.put("files_removed", files);
    figures.put("bytes_reclaimed", bytes);
    return new JobResult(
        0,
        0,
        figures,
        Map.of(
            "rows_removed", Unit.ROWS, "files_removed", Unit.FILES, "bytes_reclaimed", Unit.BYTES));
  }
}
