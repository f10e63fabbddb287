package dev.adlake.core.ledger;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ConflictException;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.NotFoundException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The load ledger in the {@code adlake.loads} table of PostgreSQL. */
public final class JdbcLoadLedger implements LoadLedger {
  private static final String COLUMNS =
      "load_id, feed, object_key, size_bytes, modified_at, checksum, status, attempts, rows_read,"
          + " rows_written, rows_rejected, snapshot_id, error, message, stored_key, discovered_at,"
          + " finished_at";

  private final DataSource dataSource;
  private final String host;
  private final long pid = ProcessHandle.current().pid();

  public JdbcLoadLedger(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.host = hostName();
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  @Override
  public Discovery discover(String feed, String objectKey, long size, Instant modifiedAt) {
    Binder binder =
        statement -> {
          statement.setString(1, feed);
          statement.setString(2, objectKey);
          statement.setLong(3, size);
          statement.setTimestamp(4, Timestamp.from(modifiedAt));
        };
    Optional<Load> created =
        queryOne(
            "INSERT INTO adlake.loads (feed, object_key, size_bytes, modified_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (feed, object_key, modified_at, size_bytes) DO NOTHING RETURNING "
                + COLUMNS,
            binder,
            "record discovered object " + objectKey);
    if (created.isPresent()) {
      return new Discovery(created.get(), true);
    }
    Load known =
        queryOne(
                "SELECT "
                    + COLUMNS
                    + " FROM adlake.loads WHERE feed = ? AND object_key = ?"
                    + " AND size_bytes = ? AND modified_at = ?",
                binder,
                "read the load of " + objectKey)
            .orElseThrow(() -> new IllegalStateException("Load of " + objectKey + " vanished"));
    return new Discovery(known, false);
  }

  @Override
  public Optional<Load> claim(Collection<String> feeds) {
    if (feeds.isEmpty()) {
      return Optional.empty();
    }
    return queryOne(
        "UPDATE adlake.loads SET status = 'ingesting', attempts = attempts + 1, started_at = now(),"
            + " finished_at = NULL, error = NULL, claimed_host = ?, claimed_pid = ?"
            + " WHERE load_id = (SELECT load_id FROM adlake.loads"
            + " WHERE status = 'ready' AND feed = ANY (?)"
            + " ORDER BY modified_at, object_key, load_id FOR UPDATE SKIP LOCKED LIMIT 1)"
            + " RETURNING "
            + COLUMNS,
        statement -> {
          statement.setString(1, host);
          statement.setLong(2, pid);
          statement.setArray(3, statement.getConnection().createArrayOf("text", feeds.toArray()));
        },
        "claim a ready load");
  }

  @Override
  public Optional<FeedLock> tryLock(String feed) {
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      boolean locked;
      try (PreparedStatement statement =
          connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
        statement.setString(1, "adlake.feed:" + feed);
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          locked = result.getBoolean(1);
        }
      }
      if (!locked) {
        connection.close();
        return Optional.empty();
      }
      Connection held = connection;
      return Optional.of(
          () -> {
            try (held;
                PreparedStatement unlock =
                    held.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
              unlock.setString(1, "adlake.feed:" + feed);
              unlock.execute();
            } catch (SQLException e) {
              // Closing the connection ends the session, which releases the lock anyway.
            }
          });
    } catch (SQLException e) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException ignored) {
          // Already failing.
        }
      }
      throw new ExternalFailureException(
          "Cannot lock feed %s: %s".formatted(feed, e.getMessage()), e);
    }
  }

  @Override
  public Load transition(long loadId, LoadStatus from, LoadStatus to) {
    return update(
        loadId,
        from,
        "UPDATE adlake.loads SET status = ?, claimed_host = ?, claimed_pid = ?"
            + " WHERE load_id = ? AND status = ? RETURNING "
            + COLUMNS,
        statement -> {
          statement.setString(1, to.sql());
          statement.setString(2, host);
          statement.setLong(3, pid);
          statement.setLong(4, loadId);
          statement.setString(5, from.sql());
        });
  }

  @Override
  public Load committed(long loadId, String checksum, LoadCounts counts, Optional<String> message) {
    return update(
        loadId,
        LoadStatus.INGESTING,
        "UPDATE adlake.loads SET status = 'ready_for_archiving', checksum = ?, rows_read = ?,"
            + " rows_written = ?, rows_rejected = ?, snapshot_id = ?, message = ?, error = NULL"
            + " WHERE load_id = ? AND status = 'ingesting' RETURNING "
            + COLUMNS,
        statement -> {
          statement.setString(1, checksum);
          statement.setLong(2, counts.rowsRead());
          statement.setLong(3, counts.rowsWritten());
          statement.setLong(4, counts.rowsRejected());
          statement.setObject(5, counts.snapshotId());
          statement.setString(6, message.orElse(null));
          statement.setLong(7, loadId);
        });
  }

  @Override
  public Load failed(
      long loadId, Optional<String> checksum, Optional<LoadCounts> counts, String error) {
    return update(
        loadId,
        LoadStatus.INGESTING,
        "UPDATE adlake.loads SET status = 'ready_for_erroring', checksum = COALESCE(?, checksum),"
            + " rows_read = ?, rows_written = ?, rows_rejected = ?, error = ?"
            + " WHERE load_id = ? AND status = 'ingesting' RETURNING "
            + COLUMNS,
        statement -> {
          statement.setString(1, checksum.orElse(null));
          statement.setObject(2, counts.map(LoadCounts::rowsRead).orElse(null));
          statement.setObject(3, counts.map(LoadCounts::rowsWritten).orElse(null));
          statement.setObject(4, counts.map(LoadCounts::rowsRejected).orElse(null));
          statement.setString(5, error);
          statement.setLong(6, loadId);
        });
  }

  @Override
  public Load stored(long loadId, LoadStatus from, LoadStatus to, String storedKey) {
    return update(
        loadId,
        from,
        "UPDATE adlake.loads SET status = ?, stored_key = ?, finished_at = now()"
            + " WHERE load_id = ? AND status = ? RETURNING "
            + COLUMNS,
        statement -> {
          statement.setString(1, to.sql());
          statement.setString(2, storedKey);
          statement.setLong(3, loadId);
          statement.setString(4, from.sql());
        });
  }

  @Override
  public List<Load> abandoned() {
    List<Load> candidates =
        query(
            "SELECT "
                + COLUMNS
                + ", claimed_pid FROM adlake.loads"
                + " WHERE status IN ('ingesting', 'archiving', 'erroring', 'ready_for_archiving',"
                + " 'ready_for_erroring') AND claimed_host = ?"
                + " ORDER BY load_id",
            statement -> statement.setString(1, host),
            "find abandoned loads",
            true);
    return candidates;
  }

  @Override
  public void recordSnapshot(String table, Instant snapshot, String snapshotKey, long loadId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement generation =
            connection.prepareStatement(
                "INSERT INTO adlake.table_snapshots (table_name, snapshot, snapshot_key)"
                    + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        PreparedStatement member =
            connection.prepareStatement(
                "INSERT INTO adlake.load_snapshots (load_id, snapshot) VALUES (?, ?)"
                    + " ON CONFLICT DO NOTHING")) {
      generation.setString(1, table);
      generation.setTimestamp(2, Timestamp.from(snapshot));
      generation.setString(3, snapshotKey);
      generation.executeUpdate();
      member.setLong(1, loadId);
      member.setTimestamp(2, Timestamp.from(snapshot));
      member.executeUpdate();
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot record the snapshot of %s: %s".formatted(table, e.getMessage()), e);
    }
  }

  @Override
  public Optional<Load> find(long loadId) {
    return query(
            "SELECT " + COLUMNS + " FROM adlake.loads WHERE load_id = ?",
            statement -> statement.setLong(1, loadId),
            "read load " + loadId,
            false)
        .stream()
        .findFirst();
  }

  @Override
  public List<Load> committedVersions(String feed, String objectKey, long exceptLoadId) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM adlake.loads WHERE feed = ? AND object_key = ?"
            + " AND load_id <> ? AND snapshot_id IS NOT NULL ORDER BY load_id",
        statement -> {
          statement.setString(1, feed);
          statement.setString(2, objectKey);
          statement.setLong(3, exceptLoadId);
        },
        "read earlier loads of " + objectKey,
        false);
  }

  @Override
  public List<Load> list(
      Optional<LoadStatus> status, Optional<String> feed, Optional<LocalDate> date, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM adlake.loads WHERE (?::text IS NULL OR status = ?)"
            + " AND (?::text IS NULL OR feed = ?)"
            + " AND (?::timestamptz IS NULL OR (discovered_at >= ? AND discovered_at < ?))"
            + " ORDER BY load_id DESC LIMIT ?",
        statement -> {
          String statusText = status.map(LoadStatus::sql).orElse(null);
          statement.setString(1, statusText);
          statement.setString(2, statusText);
          statement.setString(3, feed.orElse(null));
          statement.setString(4, feed.orElse(null));
          Timestamp start =
              date.map(day -> Timestamp.from(day.atStartOfDay().toInstant(ZoneOffset.UTC)))
                  .orElse(null);
          Timestamp end =
              date.map(
                      day ->
                          Timestamp.from(day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)))
                  .orElse(null);
          statement.setTimestamp(5, start);
          statement.setTimestamp(6, start);
          statement.setTimestamp(7, end);
          statement.setInt(8, limit);
        },
        "list loads",
        false);
  }

  @Override
  public Map<LoadStatus, Long> countByStatus(Optional<String> feed) {
    Map<LoadStatus, Long> counts = new EnumMap<>(LoadStatus.class);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT status, count(*) FROM adlake.loads WHERE (?::text IS NULL OR feed = ?)"
                    + " GROUP BY status")) {
      statement.setString(1, feed.orElse(null));
      statement.setString(2, feed.orElse(null));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          counts.put(LoadStatus.fromSql(rows.getString(1)), rows.getLong(2));
        }
      }
      return counts;
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot count loads: " + e.getMessage(), e);
    }
  }

  private Load update(long loadId, LoadStatus expected, String sql, Binder binder) {
    Optional<Load> updated;
    try {
      updated = queryOne(sql, binder, "update load " + loadId);
    } catch (ExternalFailureException e) {
      if (e.getCause() instanceof SQLException cause && "23514".equals(cause.getSQLState())) {
        throw new ConflictException(
            "Cannot change load %d: %s"
                .formatted(loadId, cause.getMessage().lines().findFirst().orElse("")));
      }
      throw e;
    }
    return updated.orElseThrow(
        () -> {
          Load actual =
              find(loadId).orElseThrow(() -> new NotFoundException("No load with id " + loadId));
          return new ConflictException(
              "Cannot change load %d: it is %s, not %s"
                  .formatted(loadId, actual.status().sql(), expected.sql()));
        });
  }

  private Optional<Load> queryOne(String sql, Binder binder, String what) {
    return query(sql, binder, what, false).stream().findFirst();
  }

  private List<Load> query(String sql, Binder binder, String what, boolean onlyDeadClaimants) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      List<Load> loads = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (onlyDeadClaimants) {
            long claimant = rows.getLong("claimed_pid");
            if (ProcessHandle.of(claimant).map(ProcessHandle::isAlive).orElse(false)) {
              continue;
            }
          }
          loads.add(toLoad(rows));
        }
      }
      return loads;
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot %s: %s".formatted(what, e.getMessage()), e);
    }
  }

  private static Load toLoad(ResultSet rows) throws SQLException {
    Timestamp finished = rows.getTimestamp("finished_at");
    return new Load(
        rows.getLong("load_id"),
        rows.getString("feed"),
        rows.getString("object_key"),
        rows.getLong("size_bytes"),
        rows.getTimestamp("modified_at").toInstant(),
        Optional.ofNullable(rows.getString("checksum")),
        LoadStatus.fromSql(rows.getString("status")),
        rows.getInt("attempts"),
        optionalLong(rows, "rows_read"),
        optionalLong(rows, "rows_written"),
        optionalLong(rows, "rows_rejected"),
        optionalLong(rows, "snapshot_id"),
        Optional.ofNullable(rows.getString("error")),
        Optional.ofNullable(rows.getString("message")),
        Optional.ofNullable(rows.getString("stored_key")),
        rows.getTimestamp("discovered_at").toInstant(),
        Optional.ofNullable(finished).map(Timestamp::toInstant));
  }

  private static Optional<Long> optionalLong(ResultSet rows, String column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? Optional.empty() : Optional.of(value);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
