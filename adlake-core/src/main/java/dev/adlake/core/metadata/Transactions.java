package dev.adlake.core.metadata;

import dev.adlake.core.ExternalFailureException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Work on one connection in one transaction: all of it or none. */
public final class Transactions {
  private Transactions() {}

  /** The work, on a connection whose transaction it must not end itself. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs the work in one transaction: committed when it returns, rolled back when it throws.
   *
   * @param what what the work does, for the error ("Cannot {what}: {cause}")
   * @throws ExternalFailureException for an SQL error, named by {@code what}
   */
  public static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot %s: %s".formatted(what, e.getMessage()), e);
    }
  }
}
