package dev.adlake.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL asks every connection for the password it keeps in the home. */
class EmbeddedPostgresPasswordIT {
  @TempDir Path home;

  private EmbeddedPostgresServer start() {
    return EmbeddedPostgresServer.startOrAttach(
        home.resolve("postgres"),
        home.resolve("work"),
        home.resolve("logs/pg.log"),
        0,
        passwordFile());
  }

  private Path passwordFile() {
    return home.resolve("secrets").resolve("postgres-password");
  }

  @Test
  void aConnectionWithoutThePasswordIsRefusedAndTheOwnerOnlyFileHoldsIt() throws Exception {
    try (EmbeddedPostgresServer server = start()) {
      assertThatThrownBy(() -> connect(server, null))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no password was provided");
      assertThatThrownBy(() -> connect(server, "not-the-password"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed for user \"postgres\"");
      assertThat(Files.readString(passwordFile()).strip()).isEqualTo(server.password());
      assertThat(server.password()).hasSize(48);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile())))
          .isEqualTo("rw-------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(passwordFile().getParent())))
          .isEqualTo("rwx------");
      try (Connection connection = connect(server, server.password());
          Statement statement = connection.createStatement();
          ResultSet method =
              statement.executeQuery(
                  "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid"
                      + " WHERE rolname = 'postgres'")) {
        assertThat(method.next()).isTrue();
        assertThat(method.getBoolean(1)).as("the password is stored as a SCRAM verifier").isTrue();
      }
    }
  }

  @Test
  void aDataDirectoryThatTrustedConnectionsAsksForThePasswordAfterItsNextStart() throws Exception {
    String password;
    try (EmbeddedPostgresServer first = start()) {
      password = first.password();
    }
    // A home from before passwords: every local connection trusted.
    Files.writeString(
        home.resolve("postgres").resolve("pg_hba.conf"),
        "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
    try (EmbeddedPostgresServer second = start()) {
      assertThat(second.password()).isEqualTo(password);
      assertThatThrownBy(() -> connect(second, null)).isInstanceOf(SQLException.class);
      try (Connection connection = connect(second, password)) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
    // And a restart of a server that asks for passwords finds it ready.
    try (EmbeddedPostgresServer third = start()) {
      assertThatThrownBy(() -> connect(third, null)).isInstanceOf(SQLException.class);
      try (Connection connection = connect(third, password)) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }

  @Test
  void aMissingPasswordFileIsNamedInsteadOfMakingANewPassword() throws Exception {
    try (EmbeddedPostgresServer first = start()) {
      assertThat(first.password()).isNotEmpty();
    }
    Files.delete(passwordFile());
    assertThatThrownBy(this::start)
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("asks for a password, but its password file " + passwordFile())
        .hasMessageContaining("is missing");
    assertThat(passwordFile()).doesNotExist();
  }

  private static Connection connect(EmbeddedPostgresServer server, String password)
      throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(), EmbeddedPostgresServer.USER, password);
  }
}
