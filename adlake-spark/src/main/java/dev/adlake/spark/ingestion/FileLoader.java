package dev.adlake.spark.ingestion;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adlake.core.feed.Column;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedSchema;
import dev.adlake.core.feed.FileReadException;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LoadMode;
import dev.adlake.core.feed.RowSink;
import dev.adlake.core.feed.SchemaEvolution;
import dev.adlake.core.feed.TextFeedReader;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Loads one file of a feed into its table in one Iceberg commit that carries the load id, with its
 * rejected lines (line number, raw line, reason) in the rejects table. A newer version of a file
 * already loaded replaces that file's rows in the same commit.
 */
final class FileLoader {
  static final String RESCUED = "_rescued";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What reading and writing a file gave, or why the file cannot be loaded. */
  record Outcome(
      String checksum, LoadCounts counts, Optional<String> message, Optional<String> error) {
    Outcome withMessage(String text) {
      return new Outcome(checksum, counts, Optional.of(text), error);
    }
  }

  private record Rejected(long line, String raw, String reason) {}

  private final SparkSession spark;
  private final LandingStore landing;

  FileLoader(SparkSession spark, LandingStore landing) {
    this.spark = spark;
    this.landing = landing;
  }

  /**
   * Loads a file.
   *
   * @param replacesEarlierVersion an earlier version of the same key was loaded (append feeds)
   * @param appliesTo for change records, the feed whose table they update
   */
  Outcome load(Feed feed, Load load, boolean replacesEarlierVersion, Optional<Feed> appliesTo)
      throws IOException {
    String key = load.objectKey();
    String fileName = key.substring(key.lastIndexOf('/') + 1);
    if (!feed.accepts(fileName)) {
      return failure("", unknownFormat(feed, key));
    }
    List<Object[]> values = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    CRC32C crc = new CRC32C();
    TextFeedReader.Result read;
    RowSink sink =
        new RowSink() {
          @Override
          public void row(long line, Object[] row) {
            values.add(row);
            lines.add(line);
          }

          @Override
          public void reject(long line, String rawLine, String reason) {
            rejected.add(new Rejected(line, rawLine, reason));
          }
        };
    try (InputStream raw = new CheckedInputStream(landing.open(key), crc)) {
      read =
          switch (feed.format()) {
            case AVRO -> readAvro(feed, raw, key, sink);
            case PARQUET -> {
              raw.transferTo(java.io.OutputStream.nullOutputStream());
              yield readParquet(feed, key, sink);
            }
            default -> TextFeedReader.read(feed, feed.schema(), raw, key, sink);
          };
    } catch (FileReadException e) {
      return failure(HexFormat.of().toHexDigits((int) crc.getValue()), e.getMessage());
    }
    String checksum = HexFormat.of().toHexDigits((int) crc.getValue());
    long total = values.size() + rejected.size();
    LoadCounts counts = new LoadCounts(total, values.size(), rejected.size(), null);
    if (total == 0) {
      return new Outcome(
          checksum, counts, Optional.of("empty file: nothing to load"), Optional.empty());
    }
    if (overRejectRatio(rejected.size(), total, feed.maxRejectRatio())) {
      Rejected first = rejected.get(0);
      return new Outcome(
          checksum,
          new LoadCounts(total, 0, rejected.size(), null),
          Optional.empty(),
          Optional.of(
              tooManyRejects(
                  key,
                  rejected.size(),
                  total,
                  feed.maxRejectRatio(),
                  first.line(),
                  first.reason())));
    }

    Evolution evolution = Evolution.none(read.schema());
    if (feed.schema().isEmpty()) {
      evolution = evolve(feed, read.schema(), values);
      if (evolution.refusal().isPresent()) {
        return failure(checksum, evolution.refusal().get());
      }
    }
    FeedSchema schema = evolution.schema();
    FeedTables.ensure(spark, feed, schema);
    if (feed.schema().isEmpty() && feed.evolution() == SchemaEvolution.ADD_COLUMNS) {
      addMissingColumns(feed, schema);
    }

    StructType rowSchema = FeedTables.rowSchema(feed, schema);
    boolean rescues = feed.schema().isEmpty() && feed.evolution() == SchemaEvolution.RESCUE;
    if (rescues) {
      rowSchema = rowSchema.add(RESCUED, org.apache.spark.sql.types.DataTypes.StringType, true);
    }
    List<Row> rows = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      rows.add(
          toRow(
              values.get(i),
              schema,
              load.id(),
              key,
              lines.get(i),
              rescues,
              evolution.rescuedJson(i)));
    }
    List<Row> rejectRows = new ArrayList<>(rejected.size());
    for (Rejected reject : rejected) {
      rejectRows.add(
          RowFactory.create(load.id(), key, reject.line(), reject.raw(), reject.reason()));
    }

    // Rejects first, replacing any of an interrupted earlier attempt: idempotent. The data
    // commit that follows carries the load id and is the one that marks the load as done.
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(FeedTables.LOAD_PROPERTY, String.valueOf(load.id()));
    summary.put("adlake.rows-read", String.valueOf(total));
    summary.put("adlake.rows-written", String.valueOf(values.size()));
    summary.put("adlake.rows-rejected", String.valueOf(rejected.size()));
    Dataset<Row> data = spark.createDataFrame(rows, rowSchema);
    String markerTable = feed.table();
    Optional<String> message = Optional.empty();
    try {
      spark
          .createDataFrame(rejectRows, FeedTables.rejectSchema())
          .writeTo(feed.rejectsTable())
          .overwrite(col(FeedTables.LOAD_ID).equalTo(lit(load.id())));
      switch (feed.mode()) {
        case APPEND -> {
          var writer = alignToTable(feed.table(), data).writeTo(feed.table());
          withSummary(
              summary,
              () -> {
                if (replacesEarlierVersion) {
                  writer.overwrite(col(FeedTables.OBJECT_KEY).equalTo(lit(key)));
                } else {
                  writer.append();
                }
              });
        }
        case FULL_SNAPSHOT, DATED_SNAPSHOT -> {
          Generation generation = Generation.of(spark, feed, load);
          summary.put(GENERATION_PROPERTY, generation.id());
          writeGeneration(feed.table(), data, summary, generation.starts());
          generation.recordWithTable(spark, feed);
          message = Optional.of(generation.message());
        }
        case CHANGE_RECORDS -> {
          Feed target = appliesTo.orElseThrow();
          markerTable = target.table();
          ensureTarget(spark, target, key);
          alignToTable(feed.table(), data)
              .writeTo(feed.table())
              .overwrite(col(FeedTables.LOAD_ID).equalTo(lit(load.id())));
          merge(spark, feed, target, data, load.id(), summary);
          message = Optional.of("applied to " + target.table());
        }
      }
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(
          "Table %s vanished while loading %s".formatted(feed.table(), key), e);
    }
    String marked = markerTable;
    Long snapshotId =
        IcebergCommits.snapshotOf(spark, markerTable, load.id())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The commit of load " + load.id() + " is not in " + marked));
    return new Outcome(
        checksum,
        new LoadCounts(total, values.size(), rejected.size(), snapshotId),
        message,
        Optional.empty());
  }

  private static TextFeedReader.Result readAvro(
      Feed feed, InputStream raw, String key, RowSink sink) throws IOException {
    try (org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord> stream =
        new org.apache.avro.file.DataFileStream<>(
            TextFeedReader.decompress(raw, key),
            new org.apache.avro.generic.GenericDatumReader<>())) {
      java.util.Iterator<Map<String, Object>> records =
          new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
              return stream.hasNext();
            }

            @Override
            public Map<String, Object> next() {
              org.apache.avro.generic.GenericRecord record = stream.next();
              Map<String, Object> fields = new LinkedHashMap<>();
              for (org.apache.avro.Schema.Field field : record.getSchema().getFields()) {
                fields.put(
                    field.name().toLowerCase(java.util.Locale.ROOT), record.get(field.pos()));
              }
              return fields;
            }
          };
      return TextFeedReader.readRecords(feed.schema(), records, sink);
    } catch (org.apache.avro.AvroRuntimeException | IOException e) {
      throw new FileReadException(
          "Cannot read %s: not a valid Avro file (%s)".formatted(key, e.getMessage()), e);
    }
  }

  private TextFeedReader.Result readParquet(Feed feed, String key, RowSink sink) {
    List<Row> source;
    String[] names;
    try {
      Dataset<Row> parquet = spark.read().parquet(landing.uri(key).toString());
      names = parquet.columns();
      source = parquet.collectAsList();
    } catch (RuntimeException e) {
      throw new FileReadException(
          "Cannot read %s: not a valid Parquet file (%s)".formatted(key, e.getMessage()), e);
    }
    java.util.Iterator<Map<String, Object>> records =
        source.stream()
            .map(
                row -> {
                  Map<String, Object> fields = new LinkedHashMap<>();
                  for (int i = 0; i < names.length; i++) {
                    fields.put(names[i].toLowerCase(java.util.Locale.ROOT), row.get(i));
                  }
                  return fields;
                })
            .iterator();
    return TextFeedReader.readRecords(feed.schema(), records, sink);
  }

  /** Starts a new generation of a snapshot table (replacing all rows) or adds to the current. */
  private void writeGeneration(
      String table, Dataset<Row> data, Map<String, String> summary, boolean starts)
      throws NoSuchTableException {
    var writer = alignToTable(table, data).writeTo(table);
    withSummary(
        summary,
        () -> {
          if (starts) {
            writer.overwrite(lit(true));
          } else {
            writer.append();
          }
        });
  }

  /**
   * Creates the table that change records apply to, if it is not there yet.
   *
   * @throws FileReadException when the target feed declares no schema
   */
  static void ensureTarget(SparkSession spark, Feed target, String key) {
    FeedTables.ensure(
        spark,
        target,
        target
            .schema()
            .orElseThrow(
                () ->
                    new FileReadException(
                        "Cannot apply %s: feed %s needs a declared schema"
                            .formatted(key, target.name()))));
  }

  /** Snapshot-summary property of snapshot feeds: the generation the table holds. */
  static final String GENERATION_PROPERTY = "adlake.generation";

  private interface Write {
    void run() throws NoSuchTableException;
  }

  /** Runs a write whose Iceberg commit carries the given snapshot-summary properties. */
  private static void withSummary(Map<String, String> summary, Write write)
      throws NoSuchTableException {
    CommitMetadata.withCommitProperties(
        summary,
        () -> {
          write.run();
          return null;
        },
        NoSuchTableException.class);
  }

  /**
   * Where a snapshot feed's file goes: whether it starts a new generation of the table (replacing
   * every row) or adds to the current one, and which generation that is.
   *
   * @param id a full snapshot's first file's time, or a dated snapshot's snapshot_dt
   */
  record Generation(String id, boolean starts, String message, boolean dated) {
    /**
     * The generation of a file of a snapshot feed whose table exists.
     *
     * @throws FileReadException when a dated snapshot's file is in no snapshot_dt= folder
     */
    static Generation of(SparkSession spark, Feed feed, Load load) {
      String key = load.objectKey();
      Optional<String> current = currentGeneration(spark, feed.table());
      String verb;
      if (feed.mode() == LoadMode.DATED_SNAPSHOT) {
        String date =
            snapshotDate(key)
                .orElseThrow(
                    () ->
                        new FileReadException(
                            "Cannot load %s: it is not in a snapshot_dt=YYYY-MM-DD folder"
                                .formatted(key)));
        boolean starts = !current.map(date::equals).orElse(false);
        verb = starts ? "started" : "added to";
        return new Generation(date, starts, verb + " snapshot_dt=" + date, true);
      }
      boolean starts = key.substring(key.lastIndexOf('/') + 1).matches("(?i)LOAD0*1\\..*");
      String id =
          starts ? load.modifiedAt().toString() : current.orElse(load.modifiedAt().toString());
      verb = starts ? "started" : "added to";
      return new Generation(id, starts, verb + " the snapshot of " + id, false);
    }

    /** A dated snapshot's date goes with its table, as a property and as its comment. */
    void recordWithTable(SparkSession spark, Feed feed) {
      if (!dated) {
        return;
      }
      spark.sql(
          "ALTER TABLE %s SET TBLPROPERTIES ('adlake.snapshot-dt'='%s')"
              .formatted(feed.table(), id));
      spark.sql("COMMENT ON TABLE %s IS 'Loaded from snapshot_dt=%s'".formatted(feed.table(), id));
    }
  }

  /** The generation of the table's latest commit, for snapshot feeds. */
  private static Optional<String> currentGeneration(SparkSession spark, String table) {
    List<Row> rows =
        spark
            .sql(
                "SELECT summary['%s'] FROM %s.snapshots ORDER BY committed_at DESC LIMIT 1"
                    .formatted(GENERATION_PROPERTY, table))
            .collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0).getString(0));
  }

  static Optional<String> snapshotDate(String key) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("(?:^|/)snapshot_dt=(\\d{4}-\\d{2}-\\d{2})/").matcher(key);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /**
   * Applies a file of change records to the target table in one MERGE: per key the last change by
   * sequence wins; deletes remove the row, inserts and updates set it. Before-images are skipped.
   */
  static void merge(
      SparkSession spark,
      Feed changes,
      Feed target,
      Dataset<Row> data,
      long loadId,
      Map<String, String> summary)
      throws NoSuchTableException {
    String view = "adlake_changes_" + loadId;
    data.createOrReplaceTempView(view);
    try {
      List<String> columns = new ArrayList<>();
      for (StructField field : spark.table(target.table()).schema().fields()) {
        columns.add(field.name());
      }
      String on =
          String.join(
              " AND ", changes.key().stream().map(k -> "t.`%s` = s.`%s`".formatted(k, k)).toList());
      String partition = String.join(", ", changes.key().stream().map(k -> "`" + k + "`").toList());
      String set =
          String.join(", ", columns.stream().map(c -> "t.`%s` = s.`%s`".formatted(c, c)).toList());
      String names = String.join(", ", columns.stream().map(c -> "`" + c + "`").toList());
      String values = String.join(", ", columns.stream().map(c -> "s.`" + c + "`").toList());
      String sql =
          ("MERGE INTO %s t USING (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY %s"
                  + " ORDER BY `%s` DESC) AS _rank FROM %s WHERE upper(`%s`) <> 'B') WHERE _rank = 1) s"
                  + " ON %s"
                  + " WHEN MATCHED AND upper(s.`%s`) = 'D' THEN DELETE"
                  + " WHEN MATCHED THEN UPDATE SET %s"
                  + " WHEN NOT MATCHED AND upper(s.`%s`) <> 'D' THEN INSERT (%s) VALUES (%s)")
              .formatted(
                  target.table(),
                  partition,
                  Feed.CHANGE_SEQUENCE,
                  view,
                  Feed.CHANGE_OPERATION,
                  on,
                  Feed.CHANGE_OPERATION,
                  set,
                  Feed.CHANGE_OPERATION,
                  names,
                  values);
      withSummary(summary, () -> spark.sql(sql));
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  /**
   * What a file's columns do to a table whose schema comes from its files: the columns the rows
   * keep, and for the rescue mode the values of the columns the table lacks, or why the file is
   * refused.
   */
  private record Evolution(
      FeedSchema schema,
      List<String> rescuedNames,
      List<Object[]> rescuedValues,
      Optional<String> refusal) {
    static Evolution none(FeedSchema schema) {
      return new Evolution(schema, List.of(), List.of(), Optional.empty());
    }

    /** The rescued fields of a row as a JSON object, or null when it has none. */
    String rescuedJson(int row) {
      if (rescuedNames.isEmpty()) {
        return null;
      }
      ObjectNode node = JSON.createObjectNode();
      Object[] rescued = rescuedValues.get(row);
      for (int i = 0; i < rescuedNames.size(); i++) {
        if (rescued[i] != null) {
          node.put(rescuedNames.get(i), rescued[i].toString());
        }
      }
      return node.isEmpty() ? null : node.toString();
    }
  }

  /**
   * For a feed whose schema comes from its files: compares the file's columns with the table's and
   * applies the feed's evolution mode. In the rescue mode, the rows lose the unknown columns, which
   * the evolution keeps.
   */
  private Evolution evolve(Feed feed, FeedSchema fileSchema, List<Object[]> values) {
    if (!spark.catalog().tableExists(feed.table())) {
      return Evolution.none(fileSchema);
    }
    Set<String> tableColumns = new LinkedHashSet<>(List.of(spark.table(feed.table()).columns()));
    List<String> unknown =
        fileSchema.names().stream()
            .filter(name -> !tableColumns.contains(FeedTables.tableColumn(feed, name)))
            .toList();
    if (unknown.isEmpty() || feed.evolution() == SchemaEvolution.ADD_COLUMNS) {
      return Evolution.none(fileSchema);
    }
    if (feed.evolution() == SchemaEvolution.FAIL) {
      return new Evolution(
          fileSchema,
          List.of(),
          List.of(),
          Optional.of(
              "Cannot load into %s: the file has columns the table lacks: %s (feed %s refuses new columns)"
                  .formatted(feed.table(), String.join(", ", unknown), feed.name())));
    }
    List<Column> kept = new ArrayList<>();
    List<Integer> keptIndexes = new ArrayList<>();
    List<Integer> rescuedIndexes = new ArrayList<>();
    for (int i = 0; i < fileSchema.columns().size(); i++) {
      if (unknown.contains(fileSchema.columns().get(i).name())) {
        rescuedIndexes.add(i);
      } else {
        kept.add(fileSchema.columns().get(i));
        keptIndexes.add(i);
      }
    }
    List<Object[]> rescued = new ArrayList<>(values.size());
    for (int r = 0; r < values.size(); r++) {
      Object[] row = values.get(r);
      Object[] keptRow = new Object[keptIndexes.size()];
      Object[] rescuedRow = new Object[rescuedIndexes.size()];
      for (int i = 0; i < keptRow.length; i++) {
        keptRow[i] = row[keptIndexes.get(i)];
      }
      for (int i = 0; i < rescuedRow.length; i++) {
        rescuedRow[i] = row[rescuedIndexes.get(i)];
      }
      values.set(r, keptRow);
      rescued.add(rescuedRow);
    }
    return new Evolution(new FeedSchema(kept), unknown, rescued, Optional.empty());
  }

  private void addMissingColumns(Feed feed, FeedSchema schema) {
    Set<String> tableColumns = new LinkedHashSet<>(List.of(spark.table(feed.table()).columns()));
    for (Column column : schema.columns()) {
      String name = FeedTables.tableColumn(feed, column.name());
      if (!tableColumns.contains(name)) {
        spark.sql(
            "ALTER TABLE %s ADD COLUMNS (`%s` %s)"
                .formatted(feed.table(), name, FeedTables.sparkType(column).sql().toLowerCase()));
      }
    }
  }

  /** Orders columns as the table has them; table columns the file lacks are null. */
  private Dataset<Row> alignToTable(String table, Dataset<Row> data) {
    return alignToTable(spark, table, data);
  }

  /** Orders columns as the table has them; table columns the file lacks are null. */
  static Dataset<Row> alignToTable(SparkSession spark, String table, Dataset<Row> data) {
    StructType tableSchema = spark.table(table).schema();
    Set<String> have = new LinkedHashSet<>(List.of(data.columns()));
    List<org.apache.spark.sql.Column> columns = new ArrayList<>();
    for (StructField field : tableSchema.fields()) {
      columns.add(
          have.contains(field.name())
              ? col(field.name()).cast(field.dataType()).as(field.name())
              : lit(null).cast(field.dataType()).as(field.name()));
    }
    return data.select(columns.toArray(org.apache.spark.sql.Column[]::new));
  }

  private Row toRow(
      Object[] values,
      FeedSchema schema,
      long loadId,
      String key,
      long line,
      boolean rescues,
      String rescued) {
    int extra = rescues ? 4 : 3;
    Object[] row = new Object[values.length + extra];
    for (int i = 0; i < values.length; i++) {
      row[i] = sparkValue(values[i]);
    }
    row[values.length] = loadId;
    row[values.length + 1] = key;
    row[values.length + 2] = line;
    if (extra == 4) {
      row[values.length + 3] = rescued;
    }
    return RowFactory.create(row);
  }

  /** A parsed value as Spark's Row takes it: java.sql types for times and dates. */
  static Object sparkValue(Object value) {
    if (value instanceof Instant instant) {
      return Timestamp.from(instant);
    }
    if (value instanceof LocalDate date) {
      return Date.valueOf(date);
    }
    return value;
  }

  /** Why a file whose name fits none of the feed's formats is not loaded. */
  static String unknownFormat(Feed feed, String key) {
    return "Cannot load %s: unknown format, the file name does not end in %s (feed %s is %s)"
        .formatted(
            key,
            String.join(" or ", feed.extensions()),
            feed.name(),
            feed.format().name().toLowerCase());
  }

  /** True when a file's rejected rows pass the feed's ratio: the file then loads nothing. */
  static boolean overRejectRatio(long rejected, long total, double maxRejectRatio) {
    return total > 0 && (double) rejected / total > maxRejectRatio;
  }

  /** Why a file with too many rejected rows is not loaded, with its first reject. */
  static String tooManyRejects(
      String key, long rejected, long total, double maxRejectRatio, long line, String reason) {
    return "Cannot load %s: %d of %d rows (%.2f%%) are rejected, above the limit of %.2f%%; first: line %d: %s"
        .formatted(
            key, rejected, total, 100.0 * rejected / total, 100.0 * maxRejectRatio, line, reason);
  }

  static Outcome failure(String checksum, String error) {
    return new Outcome(
        checksum, new LoadCounts(0, 0, 0, null), Optional.empty(), Optional.of(error));
  }
}
