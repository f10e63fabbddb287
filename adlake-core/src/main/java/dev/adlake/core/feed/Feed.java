package dev.adlake.core.feed;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A declared source of files: where they land, their format and schema, the table they load into
 * and how (the load mode).
 *
 * @param prefix the folder under the landing zone the feed's files land in, such as {@code
 *     cubic/ods_qlik/EDW.SAMPLE/}
 * @param schema the declared columns; empty when the schema is inferred from each file's header
 *     (CSV, TSV) or fields (JSON), with {@code evolution} deciding about new columns
 * @param table the lake table, {@code namespace.source__feed__table}
 * @param eventTime the column holding event time, stored as {@code event_time} and used for
 *     partitioning
 * @param header whether text files start with a header line
 * @param key the columns identifying a row, for change records
 * @param appliesTo for change records, the feed whose table the changes are applied to
 * @param maxRejectRatio the largest share of rejected rows a file may have and still load
 * @param topic the Kafka topic the feed's files are batched from by {@code adlake bridge}, if any
 */
public record Feed(
    String name,
    String prefix,
    FileFormat format,
    Optional<FeedSchema> schema,
    SchemaEvolution evolution,
    String table,
    Optional<String> eventTime,
    LoadMode mode,
    boolean header,
    List<String> key,
    Optional<String> appliesTo,
    double maxRejectRatio,
    Optional<FeedTopic> topic) {
  public Feed {
    requireNonNull(name, "name is null");
    requireNonNull(prefix, "prefix is null");
    requireNonNull(format, "format is null");
    requireNonNull(table, "table is null");
    key = List.copyOf(key);
    requireNonNull(topic, "topic is null");
    prefix = prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /** Qlik's change-record columns: the order of changes and the operation (I, U, D, B). */
  public static final String CHANGE_SEQUENCE = "header__change_seq";

  public static final String CHANGE_OPERATION = "header__change_oper";

  /** The table of rejected rows, beside the feed's table. */
  public String rejectsTable() {
    return table + "__rejects";
  }

  /** True when the object key lies under this feed's prefix. */
  public boolean owns(String objectKey) {
    return objectKey.startsWith(prefix);
  }

  /**
   * The table name by the convention {@code source__feed__table}: lower case, dots to underscores.
   */
  public static String tableNameFor(String namespace, String prefix) {
    String trimmed = prefix.replaceAll("^/+|/+$", "");
    String name =
        trimmed.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_').replace("/", "__");
    return namespace + "." + name;
  }

  /** Extensions (before any compression suffix) a file of this feed may have. */
  public List<String> extensions() {
    return switch (format) {
      case TSV -> List.of(".tsv", ".txt", ".tab");
      case CSV -> List.of(".csv");
      case JSON -> List.of(".json", ".jsonl", ".ndjson");
      case AVRO -> List.of(".avro");
      case PARQUET -> List.of(".parquet");
    };
  }

  /** True when the file name has one of this feed's extensions, compressed or not. */
  public boolean accepts(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|gzip|zst|zstd)$", "");
    return extensions().stream().anyMatch(lower::endsWith);
  }
}
