package dev.adlake.spark.ingestion;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Compression;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedSchema;
import dev.adlake.core.feed.FileFormat;
import dev.adlake.core.feed.FileReadException;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LineParser;
import dev.adlake.core.feed.TextFeedReader;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import dev.adlake.spark.LakeTables;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.SerializableConfiguration;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Loads a batch of files of a feed with a declared schema in one Spark job and one commit: each
 * file is parsed in Spark tasks (uncompressed text files in line-aligned parts, compressed ones and
 * Avro and Parquet files whole, small files several to a task), so no file passes through the
 * driver. An append feed's files go in batches; a snapshot's or change records' file is a batch of
 * one, in order.
 *
 * <p>The batch is written to a branch of the table first, as its {@link Publication} says
 * (appended, or replacing the whole table or its loads' earlier rows); then the rows of files that
 * fail (above the reject ratio, unreadable) and of earlier versions of the files that loaded are
 * deleted there; then the table's main branch is fast-forwarded to it, which publishes all of it at
 * once. When every file of the batch failed, nothing is published. The written commit lists every
 * load id of the batch, which is what recovery after a crash looks for in main's history.
 */
final class BatchLoader {
  /** Snapshot-summary property of a batch's commit: the ids of its loads, comma separated. */
  static final String LOAD_IDS_PROPERTY = "adlake.load-ids";

  /** Snapshot-summary property of the delete that takes failed loads out of their batch. */
  static final String WITHDRAWN_PROPERTY = "adlake.withdrawn-load-ids";

  /** How a batch's rows go into the table. */
  enum Write {
    /** Added to the rows there. */
    APPEND,
    /** Replacing every row: a snapshot's first file. */
    REPLACE_ALL,
    /** Replacing the rows of the batch's loads, left by an earlier attempt: change records. */
    REPLACE_LOADS
  }

  /**
   * How a batch is published.
   *
   * @param summary more snapshot-summary properties of the written commit (a snapshot's generation)
   */
  record Publication(Write write, Map<String, String> summary) {
    static final Publication APPEND = new Publication(Write.APPEND, Map.of());
  }

  private final SparkSession spark;
  private final AdlakeConfig config;
  private final LandingStore landing;
  private final Consumer<String> progress;

  BatchLoader(
      SparkSession spark, AdlakeConfig config, LandingStore landing, Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.landing = landing;
    this.progress = progress;
  }

  /** True when the feed's files are loaded by this loader rather than one by one. */
  static boolean handles(Feed feed) {
    return feed.schema().isPresent()
        && switch (feed.format()) {
          case TSV, CSV, JSON, AVRO, PARQUET -> true;
          default -> false;
        };
  }

  /**
   * Loads the batch.
   *
   * @param replacedKeys keys of files whose earlier version was loaded: the rows of that version go
   *     when the new one loads
   * @return the outcome of each load, by load id
   */
  Map<Long, FileLoader.Outcome> load(
      Feed feed, List<Load> loads, Set<String> replacedKeys, Publication publication) {
    Map<Long, FileLoader.Outcome> outcomes = new LinkedHashMap<>();
    FeedSchema schema = feed.schema().orElseThrow();
    long splitBytes = config.ingest().splitMb() * 1024L * 1024;
    List<FileSplit> splits = new ArrayList<>();
    Map<Long, Load> planned = new LinkedHashMap<>();
    for (Load load : loads) {
      Optional<String> refusal = plan(feed, schema, load, splitBytes, splits);
      if (refusal.isPresent()) {
        outcomes.put(load.id(), FileLoader.failure("", refusal.get()));
      } else if (splits.stream().noneMatch(split -> split.loadId() == load.id())) {
        outcomes.put(
            load.id(),
            new FileLoader.Outcome(
                "",
                new LoadCounts(0, 0, 0, null),
                Optional.of("empty file: nothing to load"),
                Optional.empty()));
      } else {
        planned.put(load.id(), load);
      }
    }
    if (planned.isEmpty()) {
      return outcomes;
    }
    splits = numberLines(splits);
    FeedTables.ensure(spark, feed, schema);
    String branch = branchName(planned.keySet().iterator().next());
    Table table = LakeTables.load(spark, feed.table());
    if (table.refs().containsKey(branch)) {
      table.manageSnapshots().removeBranch(branch).commit();
    }
    table.manageSnapshots().createBranch(branch).commit();
    String onBranch = feed.table() + ".branch_" + branch;
    try {
      // The commit lists the empty files too, so that recovery finds them done with the rest.
      Set<Long> listed = new LinkedHashSet<>();
      for (Load load : loads) {
        if (planned.containsKey(load.id()) || outcomes.get(load.id()).error().isEmpty()) {
          listed.add(load.id());
        }
      }
      List<SplitRows.Result> results = write(feed, schema, onBranch, splits, listed, publication);
      Map<Long, Totals> totals = totals(results, planned.keySet());
      Set<Long> failed = new LinkedHashSet<>();
      for (Load load : planned.values()) {
        Totals total = totals.get(load.id());
        Optional<String> error = total.error(load.objectKey(), feed.maxRejectRatio());
        if (error.isPresent()) {
          failed.add(load.id());
          outcomes.put(load.id(), failure(total.checksum(), error.get(), total));
        }
      }
      Set<Long> loaded = new LinkedHashSet<>(planned.keySet());
      loaded.removeAll(failed);
      // An earlier version's rows go only when its new version did not fail.
      Set<String> replaced = new LinkedHashSet<>();
      for (Load load : loads) {
        if (listed.contains(load.id())
            && !failed.contains(load.id())
            && replacedKeys.contains(load.objectKey())) {
          replaced.add(load.objectKey());
        }
      }
      if (loaded.isEmpty() && replaced.isEmpty()) {
        // Every file failed or was empty: nothing to publish; the branch goes.
        return outcomes;
      }
      withdraw(feed, onBranch, failed, replaced, listed);
      writeRejects(feed, results, loaded);
      table.refresh();
      table.manageSnapshots().fastForwardBranch("main", branch).commit();
      table.refresh();
      long snapshotId = table.currentSnapshot().snapshotId();
      for (long id : loaded) {
        Totals total = totals.get(id);
        outcomes.put(
            id,
            new FileLoader.Outcome(
                total.checksum(),
                new LoadCounts(total.read(), total.rows, total.rejected, snapshotId),
                total.read() == 0 ? Optional.of("empty file: nothing to load") : Optional.empty(),
                Optional.empty()));
      }
      return outcomes;
    } finally {
      table.refresh();
      if (table.refs().containsKey(branch)) {
        table.manageSnapshots().removeBranch(branch).commit();
      }
      deleteStaging(planned.keySet().iterator().next());
    }
  }

  /**
   * Deletes from the branch, in one commit, the rows of the loads that failed and of the earlier
   * versions of files loaded again (not the rows this batch wrote).
   */
  private void withdraw(
      Feed feed, String onBranch, Set<Long> failed, Set<String> replaced, Set<Long> listed) {
    List<String> conditions = new ArrayList<>();
    if (!failed.isEmpty()) {
      conditions.add("%s IN (%s)".formatted(FeedTables.LOAD_ID, joined(failed)));
    }
    if (!replaced.isEmpty()) {
      progress.accept(
          "%s: removing the rows of %d earlier file version(s)"
              .formatted(feed.name(), replaced.size()));
      conditions.add(
          "(%s IN (%s) AND %s NOT IN (%s))"
              .formatted(
                  FeedTables.OBJECT_KEY, quoted(replaced), FeedTables.LOAD_ID, joined(listed)));
    }
    if (conditions.isEmpty()) {
      return;
    }
    String sql = "DELETE FROM %s WHERE %s".formatted(onBranch, String.join(" OR ", conditions));
    if (failed.isEmpty()) {
      spark.sql(sql);
    } else {
      CommitMetadata.withCommitProperties(
          Map.of(WITHDRAWN_PROPERTY, joined(failed)), () -> spark.sql(sql), RuntimeException.class);
    }
  }

  private static String joined(Set<Long> ids) {
    return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** The branch a batch is staged on, named by its first load. */
  static String branchName(long firstLoadId) {
    return "adlake_ingest_" + firstLoadId;
  }

  /** Plans a file's splits; returns why it cannot be loaded, if it cannot. */
  private Optional<String> plan(
      Feed feed, FeedSchema schema, Load load, long splitBytes, List<FileSplit> splits) {
    String key = load.objectKey();
    String fileName = key.substring(key.lastIndexOf('/') + 1);
    if (!feed.accepts(fileName)) {
      return Optional.of(FileLoader.unknownFormat(feed, key));
    }
    if (load.size() == 0) {
      return Optional.empty();
    }
    String uri = landing.uri(key).toString();
    if (feed.format() == FileFormat.AVRO || feed.format() == FileFormat.PARQUET) {
      // Read whole, by record, in one task.
      splits.add(
          new FileSplit(
              splits.size(),
              load.id(),
              key,
              uri,
              0,
              0,
              Long.MAX_VALUE,
              true,
              0,
              false,
              feed.format(),
              schema,
              null));
      return Optional.empty();
    }
    LineParser parser;
    try {
      if (feed.header()) {
        Optional<String> header = firstLine(key);
        if (header.isEmpty()) {
          return Optional.empty();
        }
        parser = LineParser.withHeader(feed, schema, header.get(), key);
      } else {
        parser = LineParser.withoutHeader(feed, schema, key);
      }
    } catch (FileReadException e) {
      return Optional.of(e.getMessage());
    } catch (IOException e) {
      return Optional.of(TextFeedReader.corrupt(key, e));
    }
    boolean compressed = Compression.of(key) != Compression.NONE;
    long parts = compressed ? 1 : Math.max(1, (load.size() + splitBytes - 1) / splitBytes);
    for (int part = 0; part < parts; part++) {
      long start = part * splitBytes;
      long end =
          part == parts - 1 ? (compressed ? Long.MAX_VALUE : load.size()) : start + splitBytes;
      splits.add(
          new FileSplit(
              splits.size(),
              load.id(),
              key,
              uri,
              part,
              start,
              end,
              compressed,
              0,
              feed.header(),
              feed.format(),
              schema,
              parser));
    }
    return Optional.empty();
  }

  private Optional<String> firstLine(String key) throws IOException {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                TextFeedReader.decompress(landing.open(key), key), StandardCharsets.UTF_8))) {
      return Optional.ofNullable(reader.readLine());
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new FileReadException(TextFeedReader.corrupt(key, e), e);
    }
  }

  /**
   * Counts the lines of every part but the last of files read in several parts (a byte scan, in
   * Spark tasks), so that each part knows the number of its first line.
   */
  private List<FileSplit> numberLines(List<FileSplit> splits) {
    Set<Long> multi =
        splits.stream()
            .filter(split -> split.part() > 0)
            .map(FileSplit::loadId)
            .collect(Collectors.toSet());
    if (multi.isEmpty()) {
      return splits;
    }
    List<FileSplit> toCount =
        splits.stream().filter(split -> multi.contains(split.loadId())).toList();
    progress.accept("counting the lines of %d file part(s)".formatted(toCount.size()));
    SerializableConfiguration hadoop = hadoop();
    Map<Integer, Long> counts =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(toCount, toCount.size())
            .mapToPair(
                split -> {
                  try (LineSource source = LineSource.openRange(split, hadoop.get())) {
                    return new scala.Tuple2<>(split.index(), source.countNewlines());
                  }
                })
            .collectAsMap();
    List<FileSplit> numbered = new ArrayList<>(splits.size());
    long before = 0;
    long file = -1;
    for (FileSplit split : splits) {
      if (split.loadId() != file) {
        file = split.loadId();
        before = 0;
      }
      numbered.add(split.withFirstLine(before));
      before += counts.getOrDefault(split.index(), 0L);
    }
    return numbered;
  }

  /** Parses the splits in Spark tasks and appends their rows to the branch; returns per split. */
  private List<SplitRows.Result> write(
      Feed feed,
      FeedSchema schema,
      String onBranch,
      List<FileSplit> splits,
      Set<Long> loadIds,
      Publication publication) {
    CollectionAccumulator<SplitRows.Result> accumulator =
        spark.sparkContext().collectionAccumulator("adlake ingest " + feed.name());
    SerializableConfiguration hadoop = hadoop();
    String staging = staging(splits.get(0).loadId()).toUri().toString();
    List<List<FileSplit>> tasks = group(splits);
    progress.accept(
        "%s: parsing %d file(s) in %d part(s) as %d Spark task(s)"
            .formatted(
                feed.name(),
                splits.stream().map(FileSplit::loadId).distinct().count(),
                splits.size(),
                tasks.size()));
    JavaRDD<Row> rows =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(tasks, tasks.size())
            .mapPartitions(
                grouped -> {
                  List<FileSplit> mine = new ArrayList<>();
                  grouped.forEachRemaining(mine::addAll);
                  return new SplitRows(mine.iterator(), hadoop.get(), staging, accumulator);
                });
    StructType rowSchema = FeedTables.rowSchema(feed, schema);
    Dataset<Row> data = spark.createDataFrame(rows, rowSchema);
    Map<String, String> summary = new LinkedHashMap<>(publication.summary());
    summary.put(LOAD_IDS_PROPERTY, joined(loadIds));
    try {
      CommitMetadata.withCommitProperties(
          summary,
          () -> {
            var writer =
                FileLoader.alignToTable(spark, feed.table(), data)
                    .writeTo(onBranch)
                    .option("distribution-mode", "none")
                    .option("fanout-enabled", "true");
            switch (publication.write()) {
              case APPEND -> writer.append();
              case REPLACE_ALL -> writer.overwrite(lit(true));
              case REPLACE_LOADS ->
                  writer.overwrite(col(FeedTables.LOAD_ID).isin(loadIds.toArray()));
            }
            return null;
          },
          NoSuchTableException.class);
    } catch (NoSuchTableException e) {
      throw new IllegalStateException("Table %s vanished while loading".formatted(feed.table()), e);
    }
    return List.copyOf(accumulator.value());
  }

  /** Splits grouped into tasks of about one split's size; at least one task per core. */
  private List<List<FileSplit>> group(List<FileSplit> splits) {
    long target = config.ingest().splitMb() * 1024L * 1024;
    long total = 0;
    for (FileSplit split : splits) {
      total += size(split);
    }
    int cores = Math.max(1, spark.sparkContext().defaultParallelism());
    target = Math.max(1, Math.min(target, total / cores));
    List<List<FileSplit>> tasks = new ArrayList<>();
    List<FileSplit> current = new ArrayList<>();
    long bytes = 0;
    for (FileSplit split : splits) {
      if (!current.isEmpty() && bytes + size(split) > target) {
        tasks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(split);
      bytes += size(split);
    }
    if (!current.isEmpty()) {
      tasks.add(current);
    }
    return tasks;
  }

  private long size(FileSplit split) {
    // A compressed file expands: count it at four times its size.
    return split.compressed()
        ? 4 * landing.stat(split.key()).map(LandingStore.StoredObject::size).orElse(0L)
        : split.end() - split.start();
  }

  /** Writes the rejected lines of the loads that loaded to the rejects table. */
  private void writeRejects(Feed feed, List<SplitRows.Result> results, Set<Long> loaded) {
    List<String> files =
        results.stream()
            .filter(result -> loaded.contains(result.loadId()) && result.rejected() > 0)
            .map(SplitRows.Result::rejectsFile)
            .distinct()
            .toList();
    if (files.isEmpty()) {
      return;
    }
    Dataset<Row> rejects =
        spark
            .read()
            .schema(FeedTables.rejectSchema())
            .json(files.toArray(String[]::new))
            .where(col(FeedTables.LOAD_ID).isin(loaded.toArray()));
    try {
      rejects
          .writeTo(feed.rejectsTable())
          .overwrite(col(FeedTables.LOAD_ID).isin(loaded.toArray()));
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(
          "Table %s vanished while loading".formatted(feed.rejectsTable()), e);
    }
  }

  /**
   * Where the tasks write a batch's rejects for this process to read: beside an S3 warehouse (where
   * every executor reaches it), else under the home's work folder.
   */
  private org.apache.hadoop.fs.Path staging(long firstLoadId) {
    return new org.apache.hadoop.fs.Path(
        config.lake().onS3()
            ? config.lake().underWarehouse("staging/ingest/batch-" + firstLoadId)
            : config
                .workDirectory()
                .resolve("ingest-staging")
                .resolve("batch-" + firstLoadId)
                .toUri());
  }

  private void deleteStaging(long firstLoadId) {
    org.apache.hadoop.fs.Path path = staging(firstLoadId);
    try {
      path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
    } catch (IOException e) {
      progress.accept("could not remove the staging folder %s: %s".formatted(path, e.getMessage()));
    }
  }

  private SerializableConfiguration hadoop() {
    return new SerializableConfiguration(
        new Configuration(spark.sparkContext().hadoopConfiguration()));
  }

  /** The sums of a file's splits. */
  private static final class Totals {
    long rows;
    long rejected;
    String error;
    long firstRejectLine;
    String firstRejectReason;
    final List<int[]> checksums = new ArrayList<>();

    long read() {
      return rows + rejected;
    }

    String checksum() {
      if (checksums.size() == 1) {
        return HexFormat.of().toHexDigits(checksums.get(0)[1]);
      }
      // Parts in order; the file's checksum is the CRC-32C of their CRC-32Cs.
      CRC32C crc = new CRC32C();
      checksums.stream()
          .sorted(java.util.Comparator.comparingInt(part -> part[0]))
          .forEach(part -> crc.update(ByteBuffer.allocate(4).putInt(part[1]).array()));
      return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    Optional<String> error(String key, double maxRejectRatio) {
      if (error != null) {
        return Optional.of(
            error.startsWith("Cannot") ? error : "Cannot load %s: %s".formatted(key, error));
      }
      if (FileLoader.overRejectRatio(rejected, read(), maxRejectRatio)) {
        return Optional.of(
            FileLoader.tooManyRejects(
                key, rejected, read(), maxRejectRatio, firstRejectLine, firstRejectReason));
      }
      return Optional.empty();
    }
  }

  private static Map<Long, Totals> totals(List<SplitRows.Result> results, Set<Long> loadIds) {
    Map<Long, Totals> totals = new LinkedHashMap<>();
    loadIds.forEach(id -> totals.put(id, new Totals()));
    for (SplitRows.Result result : results) {
      Totals total = totals.get(result.loadId());
      total.rows += result.rows();
      total.rejected += result.rejected();
      if (result.error() != null && total.error == null) {
        total.error = result.error();
      }
      if (result.firstRejectReason() != null
          && (total.firstRejectReason == null
              || result.firstRejectLine() < total.firstRejectLine)) {
        total.firstRejectLine = result.firstRejectLine();
        total.firstRejectReason = result.firstRejectReason();
      }
      total.checksums.add(new int[] {result.part(), result.checksum()});
    }
    return totals;
  }

  private static String quoted(Set<String> keys) {
    return keys.stream()
        .map(key -> "'" + key.replace("'", "''") + "'")
        .collect(Collectors.joining(", "));
  }

  private static FileLoader.Outcome failure(String checksum, String error, Totals total) {
    return new FileLoader.Outcome(
        checksum,
        new LoadCounts(total.read(), 0, total.rejected, null),
        Optional.empty(),
        Optional.of(error));
  }
}
