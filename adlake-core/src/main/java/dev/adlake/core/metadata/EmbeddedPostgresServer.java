package dev.adlake.core.metadata;

import dev.adlake.core.ExternalFailureException;
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
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  public static final String DATABASE = "adlake";
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final int port;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, int port) {
    this.postgres = postgres;
    this.port = port;
  }

  /**
   * Starts PostgreSQL on the data directory, or attaches to the one already running there.
   *
   * @param dataDirectory created and initialised on first use, reused afterwards
   * @param workDirectory where the binaries are unpacked
   * @param logFile where the server's output goes
   * @param port 0 for any free port
   */
  public static EmbeddedPostgresServer startOrAttach(
      Path dataDirectory, Path workDirectory, Path logFile, int port) {
    try {
      Files.createDirectories(dataDirectory);
      Files.createDirectories(workDirectory);
      Files.createDirectories(logFile.getParent());
      Integer runningPort = runningPort(dataDirectory);
      if (runningPort != null) {
        LOG.info(
            "Attaching to PostgreSQL already running on {} port {}", dataDirectory, runningPort);
        EmbeddedPostgresServer attached = new EmbeddedPostgresServer(null, runningPort);
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
              .setPGStartupWait(Duration.ofSeconds(60))
              .setOutputRedirector(Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(Redirect.appendTo(logFile.toFile()))
              .start();
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, postgres.getPort());
      server.createDatabase();
      LOG.info("Started PostgreSQL on {} port {}", dataDirectory, server.port);
      return server;
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

  private void createDatabase() {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, null);
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
