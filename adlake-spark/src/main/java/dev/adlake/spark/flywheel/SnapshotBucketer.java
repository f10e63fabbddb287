package dev.adlake.spark.flywheel;

import static org.apache.spark.sql.functions.col;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.LakeConfig;
import java.io.IOException;
import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Splits and buckets one dated snapshot, as the flywheel's split-and-bucket and addressable jobs
 * do: picks the snapshot (the latest {@code snapshot_dt=} folder, or the one asked for), finds its
 * tables (folders of parts, or direct files), and writes each output table as Parquet files
 * clustered by the bucket of {@value #KEY}.
 *
 * <p>The bucket is Iceberg's {@code bucket(N, customer_user_id)} transform, the one the bucketed
 * tables are partitioned by. Rows are range-partitioned on (bucket, key), so each file holds a
 * contiguous run of buckets, in bucket order, and the files of a table are as many as its size over
 * the target file size says, each near the target: a table of 17 GB at 512 MB makes about 34 files,
 * not 256 tiny ones nor one huge one.
 */
final class SnapshotBucketer {
  /** The column every flywheel table is bucketed by. */
  static final String KEY = "customer_user_id";

  static final String SNAPSHOT_FOLDER = "snapshot_dt=";

  /** Rows of a CSV table written aside to learn its Parquet bytes per row. */
  private static final int SAMPLE_ROWS = 50_000;

  private final SparkSession spark;
  private final FlywheelFiles files;
  private final Consumer<String> progress;

  SnapshotBucketer(SparkSession spark, Consumer<String> progress) {
    this.spark = spark;
    this.files = new FlywheelFiles(spark.sparkContext().hadoopConfiguration());
    this.progress = progress;
  }

  FlywheelFiles files() {
    return files;
  }

  /** A table of a snapshot: its name as found (folder or file name), its files and format. */
  record SourceTable(String name, List<FileStatus> files, String format) {
    List<String> paths() {
      return files.stream().map(file -> file.getPath().toString()).toList();
    }

    long bytes() {
      return files.stream().mapToLong(FileStatus::getLen).sum();
    }
  }

  /** What one output table came to. */
  record TableOutput(String table, URI location, long rows, long files, long bytes, long target) {}

  /**
   * The snapshot to process: {@code manual} when given (it must exist), else the latest {@code
   * snapshot_dt=} folder under {@code base}; says which in progress, as the design's logs do.
   *
   * @throws NotFoundException when there is no snapshot, or not the one asked for
   */
  LocalDate chooseSnapshot(URI base, Optional<LocalDate> manual) {
    TreeSet<LocalDate> dates = new TreeSet<>();
    for (FileStatus entry : files.list(base)) {
      String name = entry.getPath().getName();
      if (entry.isDirectory() && name.startsWith(SNAPSHOT_FOLDER)) {
        try {
          dates.add(LocalDate.parse(name.substring(SNAPSHOT_FOLDER.length())));
        } catch (DateTimeParseException e) {
          progress.accept("Skipped %s under %s: not a date".formatted(name, base));
        }
      }
    }
    if (manual.isPresent()) {
      if (!dates.contains(manual.get())) {
        throw new NotFoundException(
            "No snapshot %s%s under %s; snapshots there: %s"
                .formatted(
                    SNAPSHOT_FOLDER,
                    manual.get(),
                    base,
                    dates.isEmpty()
                        ? "none"
                        : dates.stream()
                            .map(LocalDate::toString)
                            .collect(Collectors.joining(", "))));
      }
      progress.accept("Manual snapshot_dt: " + manual.get());
      return manual.get();
    }
    if (dates.isEmpty()) {
      throw new NotFoundException(
          "No snapshots found under %s: it should hold snapshot_dt=YYYY-MM-DD folders"
              .formatted(base));
    }
    progress.accept("Auto-discovered snapshot_dt: " + dates.last());
    return dates.last();
  }

  /**
   * The tables of a snapshot folder, by lower-case name: each sub-folder is a table of its parts,
   * each file directly in it a table of its own (named without extensions).
   *
   * @throws InvalidInputException when the snapshot holds no data file
   */
  Map<String, SourceTable> sourceTables(URI snapshot) {
    Map<String, SourceTable> tables = new LinkedHashMap<>();
    for (FileStatus entry : files.list(snapshot)) {
      String name = entry.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      List<FileStatus> parts =
          entry.isDirectory() ? files.dataFiles(entry.getPath().toUri()) : List.of(entry);
      if (parts.isEmpty()) {
        continue;
      }
      String table =
          entry.isDirectory()
              ? name
              : name.substring(0, name.indexOf('.') < 1 ? name.length() : name.indexOf('.'));
      tables.put(table.toLowerCase(Locale.ROOT), new SourceTable(table, parts, format(parts)));
    }
    if (tables.isEmpty()) {
      throw new InvalidInputException(
          "Snapshot %s is empty: no table folder or file in it".formatted(snapshot));
    }
    return tables;
  }

  /** A snapshot folder whose data files, at any depth, are all one table. */
  SourceTable wholeFolder(URI snapshot, String name) {
    List<FileStatus> parts = files.dataFiles(snapshot);
    if (parts.isEmpty()) {
      throw new InvalidInputException(
          "Snapshot %s is empty: no data file in it".formatted(snapshot));
    }
    return new SourceTable(name, parts, format(parts));
  }

  private static String format(List<FileStatus> parts) {
    TreeSet<String> formats = new TreeSet<>();
    for (FileStatus part : parts) {
      String name = part.getPath().getName().toLowerCase(Locale.ROOT);
      if (name.endsWith(".parquet")) {
        formats.add("parquet");
      } else if (name.contains(".csv")) {
        formats.add("csv");
      } else {
        throw new InvalidInputException(
            "Cannot read %s: a snapshot's files are Parquet (.parquet) or CSV with a header"
                    .formatted(part.getPath())
                + " (.csv, .csv.gz)");
      }
    }
    if (formats.size() > 1) {
      throw new InvalidInputException(
          "Table folder %s mixes Parquet and CSV files"
              .formatted(parts.get(0).getPath().getParent()));
    }
    return formats.first();
  }

  /** A source table's rows, its column names lower-cased. */
  Dataset<Row> read(SourceTable table) {
    String[] paths = table.paths().toArray(String[]::new);
    Dataset<Row> rows =
        table.format().equals("parquet")
            ? spark.read().parquet(paths)
            : spark.read().option("header", "true").option("mode", "FAILFAST").csv(paths);
    for (String column : rows.columns()) {
      rows = rows.withColumnRenamed(column, column.toLowerCase(Locale.ROOT));
    }
    return rows;
  }

  /**
   * The output's rows: the mapped columns of its source, in the mapping's order.
   *
   * @throws InvalidInputException naming the mapping's line of a column the source lacks, or a
   *     table that does not map {@value #KEY}
   */
  Dataset<Row> project(
      ColumnMapping mapping, ColumnMapping.Output output, SourceTable source, Dataset<Row> rows) {
    List<String> present = List.of(rows.columns());
    if (!output.columns().contains(KEY)) {
      throw new InvalidInputException(
          "Column mapping %s: table %s does not map %s, which every flywheel table is bucketed by"
              .formatted(mapping.location(), output.table(), KEY));
    }
    for (String column : output.columns()) {
      if (!present.contains(column)) {
        throw new InvalidInputException(
            "Column mapping %s, line %d: source table %s has no column %s; its columns: %s"
                .formatted(
                    mapping.location(),
                    output.lines().get(column),
                    source.name(),
                    column,
                    String.join(", ", present)));
      }
    }
    return rows.select(output.columns().stream().map(functions::col).toArray(Column[]::new));
  }

  /**
   * Writes an output table to {@code location} in files of about {@code targetBytes}, clustered by
   * bucket, replacing what was there, and reports its rows, files and bytes (from the files'
   * footers).
   */
  TableOutput write(
      String table,
      SourceTable source,
      Dataset<Row> rows,
      URI location,
      int bucketCount,
      long targetBytes) {
    long estimated = estimateBytes(table, source, rows, location);
    int fileCount =
        (int) Math.max(1, Math.min(100_000, Math.round((double) estimated / targetBytes)));
    progress.accept(
        "%s: about %s as Parquet, %d file%s of %s target, %d buckets by %s"
            .formatted(
                table,
                dev.adlake.core.job.Unit.BYTES.format(estimated),
                fileCount,
                fileCount == 1 ? "" : "s",
                dev.adlake.core.job.Unit.BYTES.format(targetBytes),
                bucketCount,
                KEY));
    rows.repartition(fileCount, fileOf(bucketCount, fileCount))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(location.toString());
    List<FileStatus> written = files.dataFiles(location);
    long bytes = written.stream().mapToLong(FileStatus::getLen).sum();
    long rowCount = rows(written, spark.sparkContext().hadoopConfiguration());
    return new TableOutput(table, location, rowCount, written.size(), bytes, targetBytes);
  }

  /**
   * The file a row goes to, as the key of a hash exchange into {@code fileCount} partitions that
   * lands each value in a partition of its own: files hold consecutive buckets, and a bucket is cut
   * between two files only where a file is full. Each bucket is split into equal slices by another
   * hash of the key, and the slices dealt out in order, so files differ by at most one slice (under
   * 1% of a file) whatever their number. One shuffle, as a plain repartition by the key: no
   * sampling pass over the input, as range partitioning needs.
   */
  static Column fileOf(int bucketCount, int fileCount) {
    long slicesPerBucket = Math.max(64, (64L * fileCount + bucketCount - 1) / bucketCount);
    long slices = slicesPerBucket * bucketCount;
    Column slice =
        bucket(bucketCount)
            .cast("long")
            .multiply(slicesPerBucket)
            .plus(functions.pmod(functions.xxhash64(col(KEY)), functions.lit(slicesPerBucket)));
    Column file = slice.multiply(fileCount).divide(slices).cast("int");
    return functions.element_at(
        functions.array(
            java.util.Arrays.stream(PartitionKeys.identity(fileCount))
                .mapToObj(functions::lit)
                .toArray(Column[]::new)),
        file.plus(1));
  }

  /** Iceberg's bucket transform of the key, as the bucketed tables' partitions compute it. */
  static Column bucket(int bucketCount) {
    return functions.expr(
        "%s.system.bucket(%d, %s)".formatted(LakeConfig.CATALOG_NAME, bucketCount, KEY));
  }

  /**
   * The table's size as Parquet: for a Parquet source, the mapped columns' chunks in its footers;
   * for CSV, the bytes per row of a sample written as Parquet times the rows (its lines counted).
   */
  private long estimateBytes(String table, SourceTable source, Dataset<Row> rows, URI location) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    if (source.format().equals("parquet")) {
      Set<String> columns = Set.of(rows.columns());
      long bytes = 0;
      for (FileStatus file : source.files()) {
        for (BlockMetaData block : footer(file, hadoop).getBlocks()) {
          for (ColumnChunkMetaData chunk : block.getColumns()) {
            if (columns.contains(chunk.getPath().toArray()[0].toLowerCase(Locale.ROOT))) {
              bytes += chunk.getTotalSize();
            }
          }
        }
      }
      return bytes;
    }
    long lines =
        spark.read().textFile(source.paths().toArray(String[]::new)).count()
            - source.files().size();
    if (lines <= 0) {
      return 0;
    }
    // Written beside the output, where every executor can write, and removed after.
    URI sample = FlywheelFiles.folder(location).resolve("../_adlake_sample_" + table + "/");
    try {
      rows.limit(SAMPLE_ROWS)
          .coalesce(1)
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(sample.toString());
      List<FileStatus> written = files.dataFiles(sample);
      long sampleRows = rows(written, hadoop);
      long sampleBytes = written.stream().mapToLong(FileStatus::getLen).sum();
      return sampleRows == 0 ? 0 : Math.round((double) sampleBytes / sampleRows * lines);
    } finally {
      files.delete(sample);
    }
  }

  private static long rows(List<FileStatus> parquetFiles, Configuration hadoop) {
    long rows = 0;
    for (FileStatus file : parquetFiles) {
      for (BlockMetaData block : footer(file, hadoop).getBlocks()) {
        rows += block.getRowCount();
      }
    }
    return rows;
  }

  private static ParquetMetadata footer(FileStatus file, Configuration hadoop) {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromStatus(file, hadoop))) {
      return reader.getFooter();
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot read the Parquet footer of %s: %s".formatted(file.getPath(), e.getMessage()), e);
    }
  }

  /** Removes output table folders under {@code root} that this run did not write. */
  List<String> removeStale(URI root, Set<String> written) {
    List<String> removed = new ArrayList<>();
    for (FileStatus entry : files.list(root)) {
      String name = entry.getPath().getName();
      if (entry.isDirectory()
          && !name.equals(FlywheelFiles.METADATA)
          && !name.startsWith("_")
          && !written.contains(name)) {
        files.delete(entry.getPath().toUri());
        removed.add(name);
      }
    }
    return removed;
  }
}
