package dev.adlake.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.ExternalFailureException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** All of the work or none of it, on a real PostgreSQL. */
class TransactionsIT {
  static DataSource database;

  @BeforeAll
  static void table() throws SQLException {
    database = TestPostgres.store().dataSource();
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS transactions_it (n INT NOT NULL)");
      statement.execute("TRUNCATE transactions_it");
    }
  }

  @Test
  void workThatReturnsIsCommittedAndWorkThatThrowsLeavesNothing() throws SQLException {
    int inserted =
        Transactions.inTransaction(
            database,
            "insert a row",
            connection -> {
              try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("INSERT INTO transactions_it VALUES (1)");
              }
            });
    assertThat(inserted).isEqualTo(1);

    assertThatThrownBy(
            () ->
                Transactions.inTransaction(
                    database,
                    "insert two rows",
                    connection -> {
                      try (Statement statement = connection.createStatement()) {
                        statement.executeUpdate("INSERT INTO transactions_it VALUES (2)");
                      }
                      throw new IllegalStateException("counts differ");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("counts differ");
    assertThatThrownBy(
            () ->
                Transactions.inTransaction(
                    database,
                    "insert a bad row",
                    connection -> {
                      try (Statement statement = connection.createStatement()) {
                        statement.executeUpdate("INSERT INTO transactions_it VALUES (3)");
                        return statement.executeUpdate("INSERT INTO transactions_it VALUES (NULL)");
                      }
                    }))
        .isInstanceOf(ExternalFailureException.class)
        .hasMessageStartingWith("Cannot insert a bad row: ");

    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT n FROM transactions_it ORDER BY n")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(1);
      assertThat(rows.next()).as("rows of the failed transactions").isFalse();
    }
  }
}
