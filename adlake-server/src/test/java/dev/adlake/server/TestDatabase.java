package dev.adlake.server;

import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One embedded PostgreSQL with a migrated adlake database per test JVM, started on first use in a
 * fresh folder under {@code target/}, stopped when the JVM exits; shared by every test class of the
 * module.
 */
final class TestDatabase {
  private static TestDatabase instance;

  final EmbeddedPostgresServer postgres;
  final MetadataStore store;

  private TestDatabase(Path home) {
    postgres =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"), home.resolve("work"), home.resolve("logs/pg.log"), 0);
    store =
        MetadataStore.open(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.empty(), 8);
  }

  static synchronized TestDatabase get() {
    if (instance == null) {
      try {
        Path home = Files.createTempDirectory(Path.of("target"), "serving-it-");
        TestDatabase database = new TestDatabase(home.toAbsolutePath());
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      // The servers of the tests stop first: they use the store's pool.
                      ServingFixture.stop();
                      database.store.close();
                      database.postgres.close();
                    },
                    "test-database-stop"));
        instance = database;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }
}
