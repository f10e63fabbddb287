package dev.adlake.spark.maintenance;

import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.table.Retention.TimeRange;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.spark.LakeTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A lake table's retention: the rows of the ranges its policy drops, deleted in one Iceberg commit.
 * With ranges of whole days or hours and a table partitioned by them, Iceberg drops whole files
 * from the metadata and reads no data; otherwise the files holding some of the rows are rewritten
 * without them. A plan counts the rows, and the files and bytes wholly removed or rewritten.
 */
final class LakeRetention {
  private static final DateTimeFormatter SQL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private LakeRetention() {}

  /** The oldest time the table holds, by its time column; empty for an empty table. */
  static Optional<Instant> oldest(SparkSession spark, TableDefinition table) {
    String column = table.timeColumn().orElseThrow();
    Row row = spark.sql("SELECT min(`%s`) FROM %s".formatted(column, table.name())).first();
    if (row.isNullAt(0)) {
      return Optional.empty();
    }
    Object value = row.get(0);
    return Optional.of(
        value instanceof java.sql.Date date
            ? date.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant()
            : ((Timestamp) value).toInstant());
  }

  /** What deleting the ranges would remove, without changing anything. */
  static MaintenanceAction plan(
      SparkSession spark, TableDefinition table, List<TimeRange> ranges, Instant now) {
    long rows =
        spark
            .sql(
                "SELECT count(*) FROM %s WHERE %s"
                    .formatted(table.name(), predicate(spark, table, ranges)))
            .first()
            .getLong(0);
    Table iceberg = LakeTables.load(spark, table.name());
    long wholeFiles = 0;
    long wholeBytes = 0;
    long partFiles = 0;
    long partBytes = 0;
    try (CloseableIterable<FileScanTask> tasks =
        iceberg.newScan().filter(expression(table, ranges, isDate(spark, table))).planFiles()) {
      for (FileScanTask task : tasks) {
        if (task.residual().equals(Expressions.alwaysTrue())) {
          wholeFiles++;
          wholeBytes += task.file().fileSizeInBytes();
        } else {
          partFiles++;
          partBytes += task.file().fileSizeInBytes();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String detail =
        "%s: rows of %s; %d files removed whole, %d rewritten without the rows (%d bytes)"
            .formatted(
                table.retention().text(), describe(ranges), wholeFiles, partFiles, partBytes);
    return new MaintenanceAction(
        Optional.empty(),
        table.name(),
        RetentionJob.ACTION,
        rows,
        wholeFiles + partFiles,
        wholeBytes + partBytes,
        0,
        0,
        detail,
        now);
  }

  /** Deletes the ranges' rows in one commit and reports what the commit removed and wrote. */
  static MaintenanceAction apply(
      SparkSession spark, TableDefinition table, List<TimeRange> ranges, long runId, Instant now) {
    Table before = LakeTables.load(spark, table.name());
    Long beforeId =
        Optional.ofNullable(before.currentSnapshot()).map(Snapshot::snapshotId).orElse(null);
    spark.sql("DELETE FROM %s WHERE %s".formatted(table.name(), predicate(spark, table, ranges)));
    Table after = LakeTables.load(spark, table.name());
    long rows = 0;
    long filesRemoved = 0;
    long bytesRemoved = 0;
    long filesAdded = 0;
    long bytesAdded = 0;
    // The commits since, but for other writers' appends: this delete's (one, unless retried).
    for (Snapshot snapshot = after.currentSnapshot();
        snapshot != null && !java.util.Objects.equals(snapshot.snapshotId(), beforeId);
        snapshot = snapshot.parentId() == null ? null : after.snapshot(snapshot.parentId())) {
      if (!"append".equals(snapshot.operation())) {
        Map<String, String> summary = snapshot.summary();
        rows += figure(summary, SnapshotSummary.DELETED_RECORDS_PROP);
        filesRemoved += figure(summary, SnapshotSummary.DELETED_FILES_PROP);
        bytesRemoved += figure(summary, SnapshotSummary.REMOVED_FILE_SIZE_PROP);
        filesAdded += figure(summary, SnapshotSummary.ADDED_FILES_PROP);
        bytesAdded += figure(summary, SnapshotSummary.ADDED_FILE_SIZE_PROP);
      }
    }
    return new MaintenanceAction(
        Optional.of(runId),
        table.name(),
        RetentionJob.ACTION,
        rows,
        filesRemoved,
        bytesRemoved,
        filesAdded,
        bytesAdded,
        "%s: rows of %s".formatted(table.retention().text(), describe(ranges)),
        now);
  }

  private static long figure(Map<String, String> summary, String key) {
    String value = summary.get(key);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static String predicate(SparkSession spark, TableDefinition table, List<TimeRange> r) {
    return predicateText(table, r, isDate(spark, table));
  }

  private static String predicateText(
      TableDefinition table, List<TimeRange> ranges, boolean dateColumn) {
    String column = "`" + table.timeColumn().orElseThrow() + "`";
    return ranges.stream()
        .map(
            range ->
                "(%s >= %s AND %s < %s)"
                    .formatted(
                        column,
                        literal(range.start(), dateColumn),
                        column,
                        literal(range.end(), dateColumn)))
        .collect(Collectors.joining(" OR "));
  }

  private static String literal(Instant instant, boolean date) {
    return date
        ? "DATE '" + LocalDate.ofInstant(instant, ZoneOffset.UTC) + "'"
        : "TIMESTAMP '" + SQL_TIMESTAMP.format(instant) + "'";
  }

  private static Expression expression(
      TableDefinition table, List<TimeRange> ranges, boolean dateColumn) {
    String column = table.timeColumn().orElseThrow();
    Expression any = Expressions.alwaysFalse();
    for (TimeRange range : ranges) {
      Object start = value(range.start(), dateColumn);
      Object end = value(range.end(), dateColumn);
      any =
          Expressions.or(
              any,
              Expressions.and(
                  Expressions.greaterThanOrEqual(column, start),
                  Expressions.lessThan(column, end)));
    }
    return any;
  }

  private static Object value(Instant instant, boolean date) {
    if (date) {
      return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  private static boolean isDate(SparkSession spark, TableDefinition table) {
    DataType type =
        spark.table(table.name()).schema().apply(table.timeColumn().orElseThrow()).dataType();
    return type.equals(DataTypes.DateType);
  }

  /** The ranges as people read them; many (month ends kept between them) as first to last. */
  static String describe(List<TimeRange> ranges) {
    if (ranges.size() > 3) {
      return "%s to %s in %d ranges, month ends kept"
          .formatted(
              SQL_TIMESTAMP.format(ranges.get(0).start()),
              SQL_TIMESTAMP.format(ranges.get(ranges.size() - 1).end()),
              ranges.size());
    }
    return ranges.stream()
        .map(
            range ->
                SQL_TIMESTAMP.format(range.start()) + " to " + SQL_TIMESTAMP.format(range.end()))
        .collect(Collectors.joining(", "));
  }
}
