package dev.adlake.spark.flywheel;

import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The flywheel's two split-and-bucket jobs. {@value #INFOBASE} takes a snapshot of the InfoBase
 * attributes, applies the column mapping (which source columns go to which output table, names
 * lower-cased) and writes each output table under {@code
 * split_cluster/infobase_attributes/<TABLE>/}; {@value #ADDRESSABLE} writes the snapshot of the
 * addressable ids, all its columns, as files directly in {@code split_cluster/addressable_ids/}.
 * Both write their snapshot date to {@code metadata/snapshot_dt.txt} last, once every table is
 * written, for the jobs after them.
 */
public final class SplitAndBucketJob implements SparkJob {
  public static final String INFOBASE = "infobase-split-and-bucket";
  public static final String ADDRESSABLE = "addressable-bucket";

  /** The addressable ids' table name. */
  public static final String ADDRESSABLE_TABLE = "addressable_ids";

  private final boolean infobase;
  private final JobDefinition definition;

  private SplitAndBucketJob(boolean infobase) {
    this.infobase = infobase;
    String input = infobase ? FlywheelLayout.INFOBASE_INPUT : FlywheelLayout.ADDRESSABLE_INPUT;
    List<Dataset> reads = new ArrayList<>();
    reads.add(Dataset.files(FlywheelConfig.LANDING_FOLDER + input));
    if (infobase) {
      reads.add(
          Dataset.files(FlywheelConfig.LANDING_FOLDER + "config/" + FlywheelConfig.MAPPING_FILE));
    }
    this.definition =
        new JobDefinition(
            infobase ? INFOBASE : ADDRESSABLE,
            Domain.CLEAN_ROOM,
            JobKind.BATCH,
            infobase
                ? "Splits the latest InfoBase snapshot by the column mapping into tables of Parquet"
                    + " files bucketed by customer_user_id, sized by the target file size"
                : "Writes the latest snapshot of the addressable ids as Parquet files bucketed by"
                    + " customer_user_id, sized by the target file size",
            reads,
            List.of(Dataset.files(FlywheelConfig.LANDING_FOLDER + staged(infobase))),
            SplitParameters.ALL);
  }

  public static SplitAndBucketJob infobase() {
    return new SplitAndBucketJob(true);
  }

  public static SplitAndBucketJob addressable() {
    return new SplitAndBucketJob(false);
  }

  private static String staged(boolean infobase) {
    return infobase ? FlywheelLayout.INFOBASE_STAGED : FlywheelLayout.ADDRESSABLE_STAGED;
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    FlywheelConfig config = FlywheelConfig.of(context.config());
    FlywheelLayout layout = FlywheelLayout.of(config);
    SnapshotBucketer bucketer = new SnapshotBucketer(context.spark(), context.progress());
    URI input =
        layout.resolve(infobase ? FlywheelLayout.INFOBASE_INPUT : FlywheelLayout.ADDRESSABLE_INPUT);
    URI output = layout.resolve(staged(infobase));
    LocalDate date = bucketer.chooseSnapshot(input, parameters.find(SplitParameters.SNAPSHOT_DT));
    URI snapshot = input.resolve(SnapshotBucketer.SNAPSHOT_FOLDER + date + "/");
    int buckets = parameters.get(SplitParameters.BUCKET_COUNT);
    long target = SplitParameters.targetBytes(parameters.get(SplitParameters.TARGET_FILE_MB));
    List<SnapshotBucketer.TableOutput> outputs = new ArrayList<>();
    if (infobase) {
      Map<String, SnapshotBucketer.SourceTable> sources = bucketer.sourceTables(snapshot);
      ColumnMapping mapping =
          ColumnMapping.parse(
              config.mapping().toString(),
              bucketer
                  .files()
                  .readText(config.mapping())
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "Column mapping %s not found (flywheel.mapping)"
                                  .formatted(config.mapping()))));
      Set<String> used = new LinkedHashSet<>();
      for (ColumnMapping.Output table : mapping.outputs().values()) {
        SnapshotBucketer.SourceTable source = sources.get(table.source());
        if (source == null) {
          throw new NotFoundException(
              "Column mapping %s, line %d: snapshot %s has no table %s; its tables: %s"
                  .formatted(
                      mapping.location(),
                      table.lines().values().iterator().next(),
                      snapshot,
                      table.source(),
                      String.join(", ", sources.keySet())));
        }
        used.add(table.source());
        String folder = table.table().toUpperCase(Locale.ROOT);
        outputs.add(
            bucketer.write(
                table.table(),
                source,
                bucketer.project(mapping, table, source, bucketer.read(source)),
                output.resolve(folder + "/"),
                buckets,
                target));
      }
      sources.keySet().stream()
          .filter(name -> !used.contains(name))
          .forEach(
              name ->
                  context
                      .progress()
                      .accept(
                          "Skipped source table %s: the column mapping maps none of it"
                              .formatted(name)));
      Set<String> written = new LinkedHashSet<>();
      outputs.forEach(out -> written.add(out.table().toUpperCase(Locale.ROOT)));
      for (String stale : bucketer.removeStale(output, written)) {
        context
            .progress()
            .accept("Removed %s%s: not in this run's tables".formatted(output, stale));
      }
    } else {
      SnapshotBucketer.SourceTable source = bucketer.wholeFolder(snapshot, ADDRESSABLE_TABLE);
      outputs.add(
          bucketer.write(
              ADDRESSABLE_TABLE, source, bucketer.read(source), output, buckets, target));
    }
    bucketer
        .files()
        .writeText(
            output.resolve(FlywheelFiles.METADATA + "/" + FlywheelFiles.SNAPSHOT_FILE),
            date + "\n");
    context
        .progress()
        .accept("Wrote snapshot_dt=%s to %smetadata/snapshot_dt.txt".formatted(date, output));
    long rows = 0;
    long files = 0;
    long bytes = 0;
    for (SnapshotBucketer.TableOutput out : outputs) {
      context
          .progress()
          .accept(
              "%s: %,d rows in %d %s, %s (%s a file, target %s)"
                  .formatted(
                      out.table(),
                      out.rows(),
                      out.files(),
                      out.files() == 1 ? "file" : "files",
                      Unit.BYTES.format(out.bytes()),
                      Unit.BYTES.format(out.files() == 0 ? 0 : out.bytes() / out.files()),
                      Unit.BYTES.format(out.target())));
      rows += out.rows();
      files += out.files();
      bytes += out.bytes();
    }
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("snapshot_dt", date.toEpochDay());
    figures.put("tables", (long) outputs.size());
    figures.put("rows", rows);
    figures.put("files", files);
    figures.put("bytes", bytes);
    return new JobResult(
        rows,
        rows,
        figures,
        Map.of(
            "snapshot_dt", Unit.DATE, "rows", Unit.ROWS, "files", Unit.FILES, "bytes", Unit.BYTES));
  }
}
