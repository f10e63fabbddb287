package dev.adlake.core.metadata;

import dev.adlake.core.ExternalFailureException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Small JDBC helpers of the metadata tables: SQL errors become external failures, named. */
final class Jdbc {
  private Jdbc() {}

  interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  interface Reader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  static <T> List<T> query(
      DataSource dataSource, String what, String sql, Binder binder, Reader<T> reader) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      List<T> found = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          found.add(reader.read(rows));
        }
      }
      return found;
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot %s: %s".formatted(what, e.getMessage()), e);
    }
  }

  static int update(DataSource dataSource, String what, String sql, Binder binder) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot %s: %s".formatted(what, e.getMessage()), e);
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
