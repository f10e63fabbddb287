package dev.adlake.core.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The maintenance domain's settings: table upkeep (snapshots kept, the age below which a file is
 * never an orphan, compaction's file size), the serving store's delete batches, the retention of
 * the landing zone's archive and error folders and of the Kafka archive, and each table's retention
 * over the table catalog's ({@code tables.<table>.retention}).
 *
 * <p>Retentions are kept as their text here, checked against the grammar of {@code
 * dev.adlake.core.table.Retention}, which parses them where the table catalog is built.
 *
 * @param tableRetention the retention configured per table name, as text
 */
public record MaintenanceConfig(
    int snapshotsKeepLast,
    Duration snapshotsKeepFor,
    Duration orphansMinAge,
    int targetFileMb,
    int minInputFiles,
    int servingBatchRows,
    String landingArchiveRetention,
    String landingErrorsRetention,
    String kafkaArchiveRetention,
    Map<String, String> tableRetention) {
  static final String TABLES_PREFIX = "tables.";
  private static final String RETENTION_PROPERTY = ".retention";

  /** The grammar of a retention: forever, 90d, 48h or month-ends-after 30d. */
  static final Pattern RETENTION =
      Pattern.compile("(?i)forever|(month-ends-after\\s+[1-9]\\d*\\s*d)|([1-9]\\d*\\s*(d|h))");

  private static final String RETENTION_RULE = "forever, 90d, 48h or month-ends-after 30d";

  public static final ConfigKey<Integer> SNAPSHOTS_KEEP_LAST =
      ConfigKey.of(
          "maintenance.snapshots.keep-last",
          ValueType.integer(1, 10_000),
          "5",
          "Snapshots of a lake table that expiry always keeps, however old");
  public static final ConfigKey<Duration> SNAPSHOTS_KEEP_FOR =
      ConfigKey.of(
          "maintenance.snapshots.keep-for",
          ValueType.duration(),
          "5d",
          "Snapshots younger than this are kept, so time travel and running readers keep working");
  public static final ConfigKey<Duration> ORPHANS_MIN_AGE =
      ConfigKey.of(
          "maintenance.orphans.min-age",
          ValueType.duration(),
          "3d",
          "A file in a table's folder that no snapshot references is removed only when older than"
              + " this: a writer may not have committed it yet");
  public static final ConfigKey<Integer> TARGET_FILE_MB =
      ConfigKey.of(
          "maintenance.compaction.target-file-mb",
          ValueType.integer(1, 16_384),
          "128",
          "The data file size compaction writes, in MB");
  public static final ConfigKey<Integer> MIN_INPUT_FILES =
      ConfigKey.of(
          "maintenance.compaction.min-input-files",
          ValueType.integer(2, 100_000),
          "5",
          "Small files of a partition that make compaction rewrite it");
  public static final ConfigKey<Integer> SERVING_BATCH_ROWS =
      ConfigKey.of(
          "maintenance.serving.batch-rows",
          ValueType.integer(100, 10_000_000),
          "5000",
          "Rows a serving-store cleanup deletes per transaction, so no lock is held long on a"
              + " table the API reads");
  public static final ConfigKey<String> LANDING_ARCHIVE_RETENTION =
      ConfigKey.of(
          "maintenance.landing-archive.retention",
          ValueType.matching(RETENTION, RETENTION_RULE),
          "forever",
          "How long loaded files are kept in the landing zone's archive, by file time");
  public static final ConfigKey<String> LANDING_ERRORS_RETENTION =
      ConfigKey.of(
          "maintenance.landing-errors.retention",
          ValueType.matching(RETENTION, RETENTION_RULE),
          "forever",
          "How long failed files are kept in the landing zone's error folder, by file time");
  public static final ConfigKey<String> KAFKA_ARCHIVE_RETENTION =
      ConfigKey.of(
          "maintenance.kafka-archive.retention",
          ValueType.matching(RETENTION, RETENTION_RULE),
          "forever",
          "How long the Kafka archive keeps an hour's folder, by its dt= and hr= names");

  public MaintenanceConfig {
    tableRetention = Map.copyOf(tableRetention);
  }

  /** The retention configured for the table, over the one the table catalog declares. */
  public Optional<String> retention(String table) {
    return Optional.ofNullable(tableRetention.get(table));
  }

  static List<ConfigKey<?>> keys() {
    return List.of(
        SNAPSHOTS_KEEP_LAST,
        SNAPSHOTS_KEEP_FOR,
        ORPHANS_MIN_AGE,
        TARGET_FILE_MB,
        MIN_INPUT_FILES,
        SERVING_BATCH_ROWS,
        LANDING_ARCHIVE_RETENTION,
        LANDING_ERRORS_RETENTION,
        KAFKA_ARCHIVE_RETENTION);
  }

  static boolean isDynamic(String key) {
    return key.startsWith(TABLES_PREFIX);
  }

  static MaintenanceConfig from(
      ConfigValues values, Map<String, FeedsConfig.Given> dynamic, List<ConfigProblem> problems) {
    Map<String, String> retention = new LinkedHashMap<>();
    dynamic.forEach(
        (key, given) -> {
          if (!key.startsWith(TABLES_PREFIX)) {
            return;
          }
          String table =
              key.endsWith(RETENTION_PROPERTY)
                  ? key.substring(
                      TABLES_PREFIX.length(), key.length() - RETENTION_PROPERTY.length())
                  : "";
          if (!table.matches("[a-z][a-z0-9_]*\\.[a-z0-9_]+\\*?")) {
            problems.add(
                new ConfigProblem(
                    key,
                    given.text(),
                    given.origin(),
                    "unknown key; a table's retention is tables.<namespace>.<table>.retention"));
          } else if (!RETENTION.matcher(given.text().trim()).matches()) {
            problems.add(
                new ConfigProblem(key, given.text(), given.origin(), "must be " + RETENTION_RULE));
          } else {
            retention.put(table, given.text().trim());
          }
        });
    return new MaintenanceConfig(
        values.find(SNAPSHOTS_KEEP_LAST).orElse(5),
        values.find(SNAPSHOTS_KEEP_FOR).orElse(Duration.ofDays(5)),
        values.find(ORPHANS_MIN_AGE).orElse(Duration.ofDays(3)),
        values.find(TARGET_FILE_MB).orElse(128),
        values.find(MIN_INPUT_FILES).orElse(5),
        values.find(SERVING_BATCH_ROWS).orElse(5000),
        values.find(LANDING_ARCHIVE_RETENTION).orElse("forever"),
        values.find(LANDING_ERRORS_RETENTION).orElse("forever"),
        values.find(KAFKA_ARCHIVE_RETENTION).orElse("forever"),
        retention);
  }
}
