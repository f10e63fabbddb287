package dev.adlake.spark.flywheel;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.spark.LakeNamespaces;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Makes the clean room's final tables: {@code cleanroom.bucketed_<table>} from each staged {@code
 * staged.ext_<table>}, by CTAS, as Iceberg tables partitioned by {@code bucket(N,
 * customer_user_id)}, commented with the snapshot date. Spark (with storage-partitioned joins) and
 * Trino join two such tables on the key bucket by bucket, without a shuffle.
 *
 * <p>With {@code flywheel.hive-bucketed-files} (or the parameter {@code hive-files}) each table is
 * also written as Hive-bucketed files under {@code cleanroom_tables/bucketed/<table>/}, one file a
 * bucket by Hive's own hash, for engines that need Hive bucketing (Athena's {@code bucketed_by}).
 */
public final class BucketedTablesJob implements SparkJob {
  public static final String NAME = "create-bucketed-tables";

  static final JobParameter<Integer> BUCKET_COUNT = SplitParameters.BUCKET_COUNT;
  static final JobParameter<Boolean> HIVE_FILES =
      JobParameter.optional(
          "hive-files",
          ValueType.bool(),
          null,
          "Also write Hive-bucketed files (Hive's hash); unset: flywheel.hive-bucketed-files");

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.CLEAN_ROOM,
          JobKind.BATCH,
          "Creates cleanroom.bucketed_<table> from each staged table: Iceberg, partitioned by"
              + " bucket(N, customer_user_id), commented with the snapshot date",
          List.of(Dataset.tables(FlywheelLayout.STAGED + "." + FlywheelLayout.EXT_PREFIX + "*")),
          List.of(
              Dataset.tables(FlywheelLayout.CLEANROOM + "." + FlywheelLayout.BUCKETED_PREFIX + "*"),
              Dataset.files(FlywheelConfig.LANDING_FOLDER + FlywheelLayout.HIVE_BUCKETED)),
          List.of(BUCKET_COUNT, HIVE_FILES));

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    SparkSession spark = context.spark();
    FlywheelConfig config = FlywheelConfig.of(context.config());
    FlywheelLayout layout = FlywheelLayout.of(config);
    boolean hive = parameters.find(HIVE_FILES).orElse(config.hiveBucketedFiles());
    int buckets = parameters.get(BUCKET_COUNT);
    List<String> staged = tables(spark, FlywheelLayout.STAGED, FlywheelLayout.EXT_PREFIX);
    if (staged.isEmpty()) {
      throw new InvalidInputException(
          "No staged tables %s.%s*: run %s first"
              .formatted(
                  FlywheelLayout.STAGED, FlywheelLayout.EXT_PREFIX, RegisterStagedTablesJob.NAME));
    }
    LakeNamespaces.ensure(spark, FlywheelLayout.CLEANROOM);
    FlywheelFiles files = new FlywheelFiles(spark.sparkContext().hadoopConfiguration());
    TreeSet<String> dates = new TreeSet<>();
    long rows = 0;
    long hiveFiles = 0;
    for (String ext : staged) {
      String table = ext.substring(FlywheelLayout.EXT_PREFIX.length());
      String source = FlywheelLayout.STAGED + "." + ext;
      String date =
          LakeTables.load(spark, source).properties().get(FlywheelLayout.SNAPSHOT_PROPERTY);
      if (date == null) {
        throw new InvalidInputException(
            "Staged table %s has no snapshot date (%s): register it with %s"
                .formatted(source, FlywheelLayout.SNAPSHOT_PROPERTY, RegisterStagedTablesJob.NAME));
      }
      dates.add(date);
      String target =
          "%s.%s.%s%s"
              .formatted(
                  LakeConfig.CATALOG_NAME,
                  FlywheelLayout.CLEANROOM,
                  FlywheelLayout.BUCKETED_PREFIX,
                  table);
      dropIfBucketedOtherwise(spark, target, buckets);
      spark.sql(
          ("CREATE OR REPLACE TABLE %s USING iceberg PARTITIONED BY (bucket(%d, %s))"
                  + " COMMENT '%s' TBLPROPERTIES ('%s' = '%s', 'write.distribution-mode' = 'hash')"
                  + " AS SELECT * FROM %s.%s")
              .formatted(
                  target,
                  buckets,
                  SnapshotBucketer.KEY,
                  FlywheelLayout.comment(date),
                  FlywheelLayout.SNAPSHOT_PROPERTY,
                  date,
                  LakeConfig.CATALOG_NAME,
                  source));
      long count = spark.table(target).count();
      rows += count;
      context
          .progress()
          .accept(
              "Created %s%s with snapshot_dt=%s (%,d rows, %d buckets)"
                  .formatted(FlywheelLayout.BUCKETED_PREFIX, table, date, count, buckets));
      if (hive) {
        URI folder =
            layout.resolve(
                FlywheelLayout.HIVE_BUCKETED + FlywheelLayout.BUCKETED_PREFIX + table + "/");
        int written = HiveBucketedFiles.write(spark, spark.table(target), buckets, folder, files);
        hiveFiles += written;
        context
            .progress()
            .accept(
                "Wrote %s%s as %d Hive-bucketed files in %s"
                    .formatted(FlywheelLayout.BUCKETED_PREFIX, table, written, folder));
      }
    }
    files.writeText(
        layout.resolve(
            FlywheelLayout.HIVE_BUCKETED
                + FlywheelFiles.METADATA
                + "/"
                + FlywheelFiles.SNAPSHOT_FILE),
        dates.last() + "\n");
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("snapshot_dt", java.time.LocalDate.parse(dates.last()).toEpochDay());
    figures.put("tables", (long) staged.size());
    figures.put("rows", rows);
    figures.put("hive_files", hiveFiles);
    return new JobResult(
        rows,
        rows,
        figures,
        Map.of("snapshot_dt", Unit.DATE, "rows", Unit.ROWS, "hive_files", Unit.FILES));
  }

  /** The lake tables of a namespace whose names start with {@code prefix}, sorted. */
  static List<String> tables(SparkSession spark, String namespace, String prefix) {
    List<String> names = new ArrayList<>();
    boolean exists =
        spark.sql("SHOW NAMESPACES IN " + LakeConfig.CATALOG_NAME).collectAsList().stream()
            .anyMatch(row -> row.getString(0).equals(namespace));
    if (!exists) {
      return names;
    }
    for (Row row :
        spark
            .sql("SHOW TABLES IN %s.%s".formatted(LakeConfig.CATALOG_NAME, namespace))
            .collectAsList()) {
      String name = row.getString(row.fieldIndex("tableName"));
      if (name.startsWith(prefix)) {
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * Drops {@code table} when it exists partitioned other than by {@code bucket(buckets,
   * customer_user_id)}: replacing it would keep the old partition field beside the new one under
   * the same name, which Iceberg's metadata tables ({@code .files}, maintenance) then refuse.
   */
  static void dropIfBucketedOtherwise(SparkSession spark, String table, int buckets) {
    if (!spark.catalog().tableExists(table)) {
      return;
    }
    String wanted = "bucket[%d]".formatted(buckets);
    boolean same =
        LakeTables.load(spark, table.substring(LakeConfig.CATALOG_NAME.length() + 1))
            .spec()
            .fields()
            .stream()
            .anyMatch(field -> field.transform().toString().equals(wanted));
    if (!same) {
      spark.sql("DROP TABLE %s PURGE".formatted(table));
    }
  }
}
