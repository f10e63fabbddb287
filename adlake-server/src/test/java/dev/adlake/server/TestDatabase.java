package dev.adlake.server;

import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * One embedded PostgreSQL with a migrated adlake database per test JVM, started on first use in a
 * fresh folder under {@code target/}, stopped when the JVM exits; shared by every test class of the
 * module. What uses the database for the whole JVM (a shared server) registers with {@link
 * #closeFirst} to be closed before it.
 */
final class TestDatabase {
  private static TestDatabase instance;

  /** Closed before the database stops, the last registered first. */
  private static final Deque<AutoCloseable> USERS = new ArrayDeque<>();

  final EmbeddedPostgresServer postgres;
  final MetadataStore store;

  private TestDatabase(Path home) {
    postgres =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"),
            home.resolve("work"),
            home.resolve("logs/pg.log"),
            0,
            home.resolve("secrets/postgres-password"));
    store =
        MetadataStore.open(
            postgres.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.of(postgres.password()), 8);
  }

  static synchronized TestDatabase get() {
    if (instance == null) {
      try {
        Path home = Files.createTempDirectory(Path.of("target"), "serving-it-");
        TestDatabase database = new TestDatabase(home.toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(database::stop, "test-database-stop"));
        instance = database;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** Closes the resource when the JVM exits, before the database it uses stops. */
  static synchronized void closeFirst(AutoCloseable resource) {
    USERS.push(resource);
  }

  private void stop() {
    synchronized (TestDatabase.class) {
      while (!USERS.isEmpty()) {
        try {
          USERS.pop().close();
        } catch (Exception e) {
          // The JVM is exiting: stop the rest anyway.
          e.printStackTrace();
        }
      }
    }
    store.close();
    postgres.close();
  }
}
