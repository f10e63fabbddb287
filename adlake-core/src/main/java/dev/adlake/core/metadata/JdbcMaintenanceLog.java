package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** What maintenance did to each table, in {@code adlake.maintenance_actions}. */
public final class JdbcMaintenanceLog {
  private final DataSource dataSource;

  public JdbcMaintenanceLog(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  public void record(MaintenanceAction action) {
    Jdbc.update(
        dataSource,
        "record the %s of %s".formatted(action.action(), action.table()),
        "INSERT INTO adlake.maintenance_actions (run_id, table_name, action, rows_removed,"
            + " files_removed, bytes_removed, files_added, bytes_added, detail, done_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        statement -> {
          statement.setObject(1, action.runId().orElse(null), Types.BIGINT);
          statement.setString(2, action.table());
          statement.setString(3, action.action());
          statement.setLong(4, action.rowsRemoved());
          statement.setLong(5, action.filesRemoved());
          statement.setLong(6, action.bytesRemoved());
          statement.setLong(7, action.filesAdded());
          statement.setLong(8, action.bytesAdded());
          statement.setString(9, action.detail());
          statement.setTimestamp(10, Timestamp.from(action.doneAt()));
        });
  }

  /** The most recent actions first, of one table or of all. */
  public List<MaintenanceAction> recent(Optional<String> table, int limit) {
    return Jdbc.query(
        dataSource,
        "read the maintenance history",
        "SELECT run_id, table_name, action, rows_removed, files_removed, bytes_removed,"
            + " files_added, bytes_added, detail, done_at FROM adlake.maintenance_actions"
            + " WHERE (?::text IS NULL OR table_name = ?) ORDER BY done_at DESC, action_id DESC"
            + " LIMIT ?",
        statement -> {
          statement.setString(1, table.orElse(null));
          statement.setString(2, table.orElse(null));
          statement.setInt(3, limit);
        },
        rows -> {
          long runId = rows.getLong(1);
          Optional<Long> run = rows.wasNull() ? Optional.empty() : Optional.of(runId);
          return new MaintenanceAction(
              run,
              rows.getString(2),
              rows.getString(3),
              rows.getLong(4),
              rows.getLong(5),
              rows.getLong(6),
              rows.getLong(7),
              rows.getLong(8),
              rows.getString(9) == null ? "" : rows.getString(9),
              rows.getTimestamp(10).toInstant());
        });
  }

  /** Bytes removed per table over all recorded actions, largest first. */
  public List<Reclaimed> reclaimed() {
    return Jdbc.query(
        dataSource,
        "sum the bytes maintenance reclaimed",
        "SELECT table_name, sum(rows_removed), sum(bytes_removed) - sum(bytes_added), count(*),"
            + " max(done_at) FROM adlake.maintenance_actions GROUP BY table_name"
            + " ORDER BY 3 DESC, 1",
        statement -> {},
        rows ->
            new Reclaimed(
                rows.getString(1),
                rows.getLong(2),
                rows.getLong(3),
                rows.getLong(4),
                rows.getTimestamp(5).toInstant()));
  }

  /** What maintenance reclaimed from one table: rows removed, net bytes, actions, the last. */
  public record Reclaimed(
      String table, long rowsRemoved, long netBytes, long actions, java.time.Instant last) {}
}
