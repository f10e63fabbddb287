package dev.adlake.spark.flywheel;

import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.flywheel.report.Collaboration;
import dev.adlake.spark.flywheel.report.CollaborationSources;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The identity-resolution tables: {@code cleanroom.<table>_er} for every table of the collaboration
 * whose name has the prefix ({@code part_} by default), with a {@code row_id} unique in the table
 * and the {@code customer_user_id}, the input an Entity Resolution ID namespace and its schema
 * mapping read. They are bucketed as the tables they come from.
 */
public final class ErTablesJob implements SparkJob {
  public static final String NAME = "create-er-tables";

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.CLEAN_ROOM,
          JobKind.BATCH,
          "Creates cleanroom.part_<table>_er (row_id, customer_user_id) for every part_ table of"
              + " the collaboration, for identity resolution",
          List.of(
              Dataset.tables(FlywheelLayout.CLEANROOM + "." + FlywheelLayout.BUCKETED_PREFIX + "*"),
              Dataset.external("clean-room collaboration")),
          List.of(Dataset.tables(FlywheelLayout.CLEANROOM + ".part_*" + FlywheelLayout.ER_SUFFIX)),
          List.of(BucketedTablesJob.BUCKET_COUNT));

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    SparkSession spark = context.spark();
    FlywheelConfig config = FlywheelConfig.of(context.config());
    Collaboration collaboration =
        CollaborationSources.load(config, spark.sparkContext().hadoopConfiguration());
    List<String> bucketed = BucketedTablesJob.tables(spark, FlywheelLayout.CLEANROOM, "");
    int buckets = parameters.get(BucketedTablesJob.BUCKET_COUNT);
    long rows = 0;
    long tables = 0;
    for (Collaboration.ConfiguredTable table : collaboration.tables()) {
      if (!table.name().startsWith(config.tablePrefix())) {
        continue;
      }
      if (!bucketed.contains(table.catalogTable())) {
        context
            .progress()
            .accept(
                "Skipped %s: its table %s.%s is not in the catalog"
                    .formatted(table.name(), FlywheelLayout.CLEANROOM, table.catalogTable()));
        continue;
      }
      String source = FlywheelLayout.CLEANROOM + "." + table.catalogTable();
      String date =
          LakeTables.load(spark, source)
              .properties()
              .getOrDefault(FlywheelLayout.SNAPSHOT_PROPERTY, "unknown");
      String target =
          "%s.%s.%s%s"
              .formatted(
                  LakeConfig.CATALOG_NAME,
                  FlywheelLayout.CLEANROOM,
                  table.name(),
                  FlywheelLayout.ER_SUFFIX);
      BucketedTablesJob.dropIfBucketedOtherwise(spark, target, buckets);
      spark.sql(
          ("CREATE OR REPLACE TABLE %s USING iceberg PARTITIONED BY (bucket(%d, %s))"
                  + " COMMENT 'Entity resolution table of %s (%s), snapshot_dt=%s'"
                  + " TBLPROPERTIES ('%s' = '%s')"
                  + " AS SELECT monotonically_increasing_id() AS row_id, %s FROM %s.%s")
              .formatted(
                  target,
                  buckets,
                  SnapshotBucketer.KEY,
                  table.name(),
                  table.catalogTable(),
                  date,
                  FlywheelLayout.SNAPSHOT_PROPERTY,
                  date,
                  SnapshotBucketer.KEY,
                  LakeConfig.CATALOG_NAME,
                  source));
      long count = spark.table(target).count();
      rows += count;
      tables++;
      context
          .progress()
          .accept(
              "Created %s%s from %s (%,d rows)"
                  .formatted(table.name(), FlywheelLayout.ER_SUFFIX, table.catalogTable(), count));
    }
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("tables", tables);
    figures.put("rows", rows);
    return new JobResult(rows, rows, figures, Map.of("rows", Unit.ROWS));
  }
}
