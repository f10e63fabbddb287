package dev.adlake.spark.flywheel;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.spark.LakeNamespaces;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers the split-and-bucket jobs' outputs in the lake's catalog as {@code staged.ext_<table>},
 * with the comment "Bucketed table created from snapshot_dt=..." read from each output's {@code
 * metadata/snapshot_dt.txt}. It discovers the tables in both layouts: a folder per table ({@code
 * split_cluster/infobase_attributes/IBE_01/}) and files directly in an output folder ({@code
 * split_cluster/addressable_ids/}, a table of the folder's name).
 *
 * <p>The files are not copied: Iceberg's {@code add_files} makes them the table's files, as an
 * external table of Glue would. The table is replaced at each run, and its garbage collection is
 * off ({@code gc.enabled=false}), so that Iceberg never deletes the staged files, which belong to
 * the split jobs.
 */
public final class RegisterStagedTablesJob implements SparkJob {
  public static final String NAME = "register-staged-tables";

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.CLEAN_ROOM,
          JobKind.BATCH,
          "Registers the split tables' files in the catalog as staged.ext_<table>, commented with"
              + " their snapshot date",
          List.of(
              Dataset.files(FlywheelConfig.LANDING_FOLDER + FlywheelLayout.INFOBASE_STAGED),
              Dataset.files(FlywheelConfig.LANDING_FOLDER + FlywheelLayout.ADDRESSABLE_STAGED)),
          List.of(Dataset.tables(FlywheelLayout.STAGED + "." + FlywheelLayout.EXT_PREFIX + "*")),
          List.of());

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  /** A table found in a staged folder, and the snapshot it comes from. */
  record StagedTable(String name, URI location, String snapshotDate) {}

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    FlywheelLayout layout = FlywheelLayout.of(FlywheelConfig.of(context.config()));
    FlywheelFiles files = new FlywheelFiles(context.spark().sparkContext().hadoopConfiguration());
    List<StagedTable> tables = new java.util.ArrayList<>();
    for (String folder :
        List.of(FlywheelLayout.INFOBASE_STAGED, FlywheelLayout.ADDRESSABLE_STAGED)) {
      URI root = layout.resolve(folder);
      if (files.list(root).isEmpty()) {
        context.progress().accept("Nothing staged in %s yet: skipped".formatted(root));
        continue;
      }
      tables.addAll(discover(files, root));
    }
    if (tables.isEmpty()) {
      throw new NotFoundException(
          "No staged tables under %s: run %s and %s first"
              .formatted(
                  layout.resolve("split_cluster/"),
                  SplitAndBucketJob.INFOBASE,
                  SplitAndBucketJob.ADDRESSABLE));
    }
    SparkSession spark = context.spark();
    LakeNamespaces.ensure(spark, FlywheelLayout.STAGED);
    long rows = 0;
    long dataFiles = 0;
    for (StagedTable table : tables) {
      Registered registered = register(spark, table);
      rows += registered.rows();
      dataFiles += registered.files();
      context
          .progress()
          .accept(
              "Registered %s.%s%s (%,d %s, %,d rows): %s"
                  .formatted(
                      FlywheelLayout.STAGED,
                      FlywheelLayout.EXT_PREFIX,
                      table.name(),
                      registered.files(),
                      registered.files() == 1 ? "file" : "files",
                      registered.rows(),
                      FlywheelLayout.comment(table.snapshotDate())));
    }
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("tables", (long) tables.size());
    figures.put("files", dataFiles);
    figures.put("rows", rows);
    return new JobResult(rows, rows, figures, Map.of("files", Unit.FILES, "rows", Unit.ROWS));
  }

  /**
   * The tables of one output folder, with its snapshot date.
   *
   * @throws NotFoundException when the folder has no {@code metadata/snapshot_dt.txt}
   * @throws InvalidInputException when it holds no data file
   */
  static List<StagedTable> discover(FlywheelFiles files, URI root) {
    URI metadata = root.resolve(FlywheelFiles.METADATA + "/" + FlywheelFiles.SNAPSHOT_FILE);
    String date =
        files
            .readText(metadata)
            .map(String::trim)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "Metadata not found: %s; did the split-and-bucket job that writes %s"
                                .formatted(metadata, root)
                            + " complete?"));
    if (!date.matches("\\d{4}-\\d{2}-\\d{2}")) {
      throw new InvalidInputException(
          "Metadata %s holds '%s', not a snapshot date (YYYY-MM-DD)".formatted(metadata, date));
    }
    List<StagedTable> tables = new java.util.ArrayList<>();
    boolean directFiles = false;
    for (FileStatus entry : files.list(root)) {
      String name = entry.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".") || name.equals(FlywheelFiles.METADATA)) {
        continue;
      }
      if (!entry.isDirectory()) {
        directFiles = true;
      } else if (!files.dataFiles(entry.getPath().toUri()).isEmpty()) {
        tables.add(
            new StagedTable(
                name.toLowerCase(Locale.ROOT),
                FlywheelFiles.folder(entry.getPath().toUri()),
                date));
      }
    }
    if (directFiles) {
      String path = root.getPath().replaceAll("/$", "");
      tables.add(
          new StagedTable(
              path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT), root, date));
    }
    if (tables.isEmpty()) {
      throw new InvalidInputException(
          "Staged folder %s holds no table: its snapshot %s is empty".formatted(root, date));
    }
    return tables;
  }

  /** What registering one table added: its data files, and the rows they hold. */
  private record Registered(long files, long rows) {}

  private static Registered register(SparkSession spark, StagedTable table) {
    String name = FlywheelLayout.STAGED + "." + FlywheelLayout.EXT_PREFIX + table.name();
    String qualified = LakeConfig.CATALOG_NAME + "." + name;
    org.apache.spark.sql.Dataset<Row> files = spark.read().parquet(table.location().toString());
    files
        .limit(0)
        .writeTo(qualified)
        .using("iceberg")
        .tableProperty("comment", FlywheelLayout.comment(table.snapshotDate()))
        .tableProperty(FlywheelLayout.SNAPSHOT_PROPERTY, table.snapshotDate())
        .tableProperty("gc.enabled", "false")
        .createOrReplace();
    Row added =
        spark
            .sql(
                "CALL %s.system.add_files(table => '%s', source_table => '`parquet`.`%s`')"
                    .formatted(LakeConfig.CATALOG_NAME, qualified, table.location()))
            .first();
    // Iceberg answers an unfiltered count from the new snapshot's summary, not the files.
    return new Registered(added.getLong(0), spark.table(qualified).count());
  }
}
