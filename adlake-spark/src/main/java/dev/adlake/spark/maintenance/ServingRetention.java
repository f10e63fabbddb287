package dev.adlake.spark.maintenance;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.table.Retention.TimeRange;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A serving table's retention in PostgreSQL: its rows in the ranges its policy drops, deleted in
 * batches of {@code maintenance.serving.batch-rows}, each its own short transaction, so that the
 * API's readers (never blocked by row deletes) and the next refresh's writers wait at most one
 * batch. The serving tables are partitioned by ad, not by time, so no partition can be dropped
 * whole. Bytes are estimated from the table's size per row; PostgreSQL reuses the space after its
 * autovacuum.
 */
final class ServingRetention {
  private ServingRetention() {}

  static Optional<Instant> oldest(DataSource dataSource, TableDefinition table) {
    String column = table.timeColumn().orElseThrow();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT min(%s) FROM %s".formatted(column, table.name()))) {
      rows.next();
      Object value = rows.getObject(1);
      if (value == null) {
        return Optional.empty();
      }
      if (value instanceof java.sql.Date date) {
        return Optional.of(date.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      return Optional.of(
          timeType(table).equals("TIMESTAMP")
              ? rows.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC)
              : rows.getObject(1, OffsetDateTime.class).toInstant());
    } catch (SQLException e) {
      throw failure("read the oldest time of", table, e);
    }
  }

  static MaintenanceAction plan(
      DataSource dataSource, TableDefinition table, List<TimeRange> ranges, Instant now) {
    long rows;
    double bytesPerRow;
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement count =
          connection.prepareStatement(
              "SELECT count(*) FROM %s WHERE %s"
                  .formatted(table.name(), predicate(table, ranges)))) {
        bind(count, table, ranges, 1);
        try (ResultSet result = count.executeQuery()) {
          result.next();
          rows = result.getLong(1);
        }
      }
      bytesPerRow = bytesPerRow(connection, table);
    } catch (SQLException e) {
      throw failure("count the rows to delete from", table, e);
    }
    return action(Optional.empty(), table, ranges, rows, Math.round(rows * bytesPerRow), now);
  }

  /** Deletes batch by batch until none is left; a rerun after a crash goes on where it stopped. */
  static MaintenanceAction apply(
      DataSource dataSource,
      TableDefinition table,
      List<TimeRange> ranges,
      int batchRows,
      long runId,
      Instant now,
      Consumer<String> progress) {
    // tableoid with ctid: a row's place is unique in one partition only.
    String delete =
        ("DELETE FROM %1$s WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM %1$s WHERE %2$s"
                + " LIMIT ?)")
            .formatted(table.name(), predicate(table, ranges));
    long rows = 0;
    double bytesPerRow;
    try (Connection connection = dataSource.getConnection()) {
      bytesPerRow = bytesPerRow(connection, table);
      connection.setAutoCommit(true);
      try (Statement settings = connection.createStatement()) {
        settings.execute("SET lock_timeout = '10s'");
      }
      try (PreparedStatement statement = connection.prepareStatement(delete)) {
        int next = bind(statement, table, ranges, 1);
        statement.setInt(next, batchRows);
        int deleted;
        do {
          deleted = statement.executeUpdate();
          rows += deleted;
          if (deleted > 0) {
            progress.accept("%s: %,d rows deleted".formatted(table.name(), rows));
          }
        } while (deleted == batchRows);
      } finally {
        try (Statement settings = connection.createStatement()) {
          settings.execute("RESET lock_timeout");
        }
      }
    } catch (SQLException e) {
      throw failure("delete old rows from", table, e);
    }
    return action(Optional.of(runId), table, ranges, rows, Math.round(rows * bytesPerRow), now);
  }

  private static MaintenanceAction action(
      Optional<Long> runId,
      TableDefinition table,
      List<TimeRange> ranges,
      long rows,
      long bytes,
      Instant now) {
    return new MaintenanceAction(
        runId,
        table.name(),
        RetentionJob.ACTION,
        rows,
        0,
        bytes,
        0,
        0,
        "%s: rows of %s, in batches; bytes estimated from the table's size per row"
            .formatted(table.retention().text(), LakeRetention.describe(ranges)),
        now);
  }

  private static String predicate(TableDefinition table, List<TimeRange> ranges) {
    String column = table.timeColumn().orElseThrow();
    return ranges.stream()
        .map(range -> "(%1$s >= ? AND %1$s < ?)".formatted(column))
        .collect(Collectors.joining(" OR "));
  }

  /** Binds the ranges' bounds from the parameter {@code first} on; returns the next one. */
  private static int bind(
      PreparedStatement statement, TableDefinition table, List<TimeRange> ranges, int first)
      throws SQLException {
    String type = timeType(table);
    int index = first;
    for (TimeRange range : ranges) {
      statement.setObject(index++, value(range.start(), type));
      statement.setObject(index++, value(range.end(), type));
    }
    return index;
  }

  private static Object value(Instant instant, String type) {
    return switch (type) {
      case "DATE" -> LocalDate.ofInstant(instant, ZoneOffset.UTC);
      case "TIMESTAMP" -> LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
      default -> OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    };
  }

  /** The declared type of the time column: DATE, TIMESTAMP (UTC, no zone) or TIMESTAMPTZ. */
  private static String timeType(TableDefinition table) {
    String column = table.timeColumn().orElseThrow();
    return table.columns().stream()
        .filter(c -> c.name().equals(column))
        .map(TableColumn::type)
        .map(type -> type.toUpperCase(Locale.ROOT))
        .findFirst()
        .orElse("TIMESTAMPTZ");
  }

  /** The table's size (with its partitions, indexes and TOAST) over its estimated rows. */
  private static double bytesPerRow(Connection connection, TableDefinition table)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0),"
                + " coalesce(sum(greatest(c.reltuples, 0)), 0) FROM pg_class c"
                + " WHERE c.oid = ?::regclass"
                + " OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = ?::regclass)")) {
      statement.setString(1, table.name());
      statement.setString(2, table.name());
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        double bytes = result.getDouble(1);
        double tuples = result.getDouble(2);
        return tuples < 1 ? 0 : bytes / tuples;
      }
    }
  }

  private static ExternalFailureException failure(
      String what, TableDefinition table, SQLException e) {
    return new ExternalFailureException(
        "Cannot %s serving table %s: %s".formatted(what, table.name(), e.getMessage()), e);
  }
}
