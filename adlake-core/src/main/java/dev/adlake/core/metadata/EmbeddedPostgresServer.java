package dev.adlake.core.metadata;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.SecretFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server started from the Maven-packaged binaries, its data directory kept under the
 * adlake home so that data survives a restart.
 *
 * <p>When another adlake process already runs a server on the same data directory, this one
 * attaches to it and leaves it running on close; otherwise it starts the server and stops it on
 * close (and on Ctrl-C).
 *
 * <p>Every connection proves a password with SCRAM, also from this machine: the password is made at
 * random on the first start and kept in a file only its owner can read. A data directory from
 * before, which trusted every local connection, is switched to passwords on its next start.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  public static final String DATABASE = "adlake";
  public static final String USER = "postgres";

  private static final String HBA_FILE = "pg_hba.conf";
  private static final String HBA_MARKER = "# adlake: every connection proves its password";

  private final EmbeddedPostgres postgres;
  private final int port;
  private final String password;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, int port, String password) {
    this.postgres = postgres;
    this.port = port;
    this.password = password;
  }

  /**
   * Starts PostgreSQL on the data directory, or attaches to the one already running there.
   *
   * @param dataDirectory created and initialised on first use, reused afterwards
   * @param workDirectory where the binaries are unpacked
   * @param logFile where the server's output goes
   * @param port 0 for any free port
   * @param passwordFile the password of user {@value #USER}: made on the first start, read after
   */
  public static EmbeddedPostgresServer startOrAttach(
      Path dataDirectory, Path workDirectory, Path logFile, int port, Path passwordFile) {
    try {
      Files.createDirectories(dataDirectory);
      Files.createDirectories(workDirectory);
      Files.createDirectories(logFile.getParent());
      boolean asksPasswords = asksPasswords(dataDirectory);
      if (asksPasswords && SecretFiles.read(passwordFile).isEmpty()) {
        throw new NotFoundException(
            ("The embedded PostgreSQL in %s asks for a password, but its password file %s is"
                    + " missing: restore it from a backup of the home")
                .formatted(dataDirectory, passwordFile));
      }
      String password = SecretFiles.createIfMissing(passwordFile, 24);
      Integer runningPort = runningPort(dataDirectory);
      if (runningPort != null) {
        LOG.info(
            "Attaching to PostgreSQL already running on {} port {}", dataDirectory, runningPort);
        EmbeddedPostgresServer attached = new EmbeddedPostgresServer(null, runningPort, password);
        attached.createDatabase();
        return attached;
      }
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(workDirectory.toFile())
              .setPort(port)
              .setServerConfig("listen_addresses", "127.0.0.1")
              // Durable by default: the ledger and catalog must survive a crash.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("max_connections", "200")
              // Its readiness check connects too.
              .setConnectConfig("password", password)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setOutputRedirector(Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(Redirect.appendTo(logFile.toFile()))
              .start();
      EmbeddedPostgresServer server =
          new EmbeddedPostgresServer(postgres, postgres.getPort(), password);
      if (!asksPasswords) {
        server.requirePasswords(dataDirectory);
      }
      server.createDatabase();
      LOG.info("Started PostgreSQL on {} port {}", dataDirectory, server.port);
      return server;
    } catch (AdlakeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ExternalFailureException(
          "Cannot start the embedded PostgreSQL in %s: %s (its log: %s)"
              .formatted(dataDirectory, e.getMessage(), logFile),
          e);
    }
  }

  /** The port of a live postmaster on this data directory, from its postmaster.pid, or null. */
  private static Integer runningPort(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return null;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.size() < 4) {
      return null;
    }
    long pid = Long.parseLong(lines.get(0).trim());
    boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    return alive ? Integer.parseInt(lines.get(3).trim()) : null;
  }

  /** Whether the server's client authentication is already adlake's password-only one. */
  private static boolean asksPasswords(Path dataDirectory) throws IOException {
    Path hba = dataDirectory.resolve(HBA_FILE);
    return Files.exists(hba) && Files.readString(hba).contains(HBA_MARKER);
  }

  /**
   * Sets the password (the server stores its SCRAM verifier) while the server still trusts local
   * connections, then makes every connection prove it and reloads the server's configuration.
   */
  private void requirePasswords(Path dataDirectory) throws IOException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, null);
        Statement statement = connection.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      // The password is hex: no quote can end the literal.
      statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
      Files.writeString(
          dataDirectory.resolve(HBA_FILE),
          String.join(
              "\n",
              HBA_MARKER + " (SCRAM); the password is in the home's secrets folder",
              "local all all scram-sha-256",
              "host all all 127.0.0.1/32 scram-sha-256",
              "host all all ::1/128 scram-sha-256",
              ""));
      statement.execute("SELECT pg_reload_conf()");
      LOG.info("The embedded PostgreSQL now asks every connection for its password");
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot set the embedded PostgreSQL's password: " + e.getMessage(), e);
    }
  }

  private void createDatabase() {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, password);
        Statement statement = connection.createStatement()) {
      try (ResultSet exists =
          statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (exists.next()) {
          return;
        }
      }
      statement.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      // Two processes may race to create it; the loser finds it there.
      if (!"42P04".equals(e.getSQLState())) {
        throw new ExternalFailureException(
            "Cannot create database %s in the embedded PostgreSQL: %s"
                .formatted(DATABASE, e.getMessage()),
            e);
      }
    }
  }

  public int port() {
    return port;
  }

  /** The password of user {@value #USER}. */
  public String password() {
    return password;
  }

  /** True when this process started the server and will stop it. */
  public boolean owned() {
    return postgres != null;
  }

  /** The JDBC URL of the adlake database. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:%d/%s".formatted(port, database);
  }

  @Override
  public void close() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
      LOG.info("Stopped PostgreSQL on port {}", port);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }
}
