package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ExternalFailureException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Locks across every process of one metadata database: PostgreSQL's session advisory locks, held on
 * a connection of their own until closed, and released by PostgreSQL when a process dies.
 */
public final class JdbcLocks {
  private final DataSource dataSource;

  public JdbcLocks(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  /** A held lock; closing releases it. */
  public interface Lock extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes lock {@code index} of the named group, if no process holds it.
   *
   * @param group what the lock guards, such as a job's name
   */
  public Optional<Lock> tryLock(String group, int index) {
    int space = group.hashCode();
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot lock " + group + ": " + e.getMessage(), e);
    }
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      statement.setInt(1, space);
      statement.setInt(2, index);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        if (!result.getBoolean(1)) {
          connection.close();
          return Optional.empty();
        }
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new ExternalFailureException("Cannot lock " + group + ": " + e.getMessage(), e);
    }
    return Optional.of(
        () -> {
          try (PreparedStatement unlock =
              connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            unlock.setInt(1, space);
            unlock.setInt(2, index);
            unlock.execute();
          } catch (SQLException e) {
            // The connection is closed below; PostgreSQL releases the lock with the session
            // only when the pool drops it, so evict it.
            try {
              connection.abort(Runnable::run);
            } catch (SQLException ignored) {
              // Closing anyway.
            }
          } finally {
            closeQuietly(connection);
          }
        });
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Nothing more to release.
    }
  }
}
