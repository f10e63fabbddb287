package dev.adlake.spark.reporting;

import dev.adlake.core.ExternalFailureException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * Which loads the ad-metrics job has rolled up ({@code adlake.metrics_loads}). A load is pending
 * once its Iceberg commit is recorded in the load ledger and until a run lists it, in the same
 * transaction that replaces its hours in the serving store.
 */
final class MetricsLoads {
  private MetricsLoads() {}

  /** The committed loads of these feeds that no run has rolled up yet, oldest first. */
  static List<Long> pending(DataSource dataSource, Collection<String> feeds) {
    String sql =
        "SELECT load_id FROM adlake.loads l WHERE feed = ANY (?) AND snapshot_id IS NOT NULL"
            + " AND status IN ('ready_for_archiving', 'archiving', 'archived')"
            + " AND NOT EXISTS (SELECT 1 FROM adlake.metrics_loads m WHERE m.load_id = l.load_id)"
            + " ORDER BY load_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      Array names = connection.createArrayOf("text", feeds.toArray());
      statement.setArray(1, names);
      List<Long> ids = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot read the loads pending for the ad metrics: " + e.getMessage(), e);
    }
  }

  /** The rows the given loads wrote into their tables. */
  static long rowsWritten(DataSource dataSource, List<Long> loadIds) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT coalesce(sum(rows_written), 0) FROM adlake.loads WHERE load_id = ANY (?)")) {
      statement.setArray(1, connection.createArrayOf("bigint", loadIds.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot read the rows of the loads pending for the ad metrics: " + e.getMessage(), e);
    }
  }

  /** Lists the loads as rolled up, inside the caller's transaction. */
  static void markProcessed(Connection connection, List<Long> loadIds, long runId)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO adlake.metrics_loads (load_id, run_id) SELECT unnest(?), ?"
                + " ON CONFLICT (load_id) DO NOTHING")) {
      statement.setArray(1, connection.createArrayOf("bigint", loadIds.toArray()));
      statement.setLong(2, runId);
      statement.executeUpdate();
    }
  }
}
