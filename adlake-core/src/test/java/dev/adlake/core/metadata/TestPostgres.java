package dev.adlake.core.metadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One embedded PostgreSQL and metadata store per test JVM, started on first use and stopped when
 * the JVM ends; tests keep apart by the names they use.
 */
public final class TestPostgres {
  private static EmbeddedPostgresServer server;
  private static MetadataStore store;

  private TestPostgres() {}

  public static synchronized MetadataStore store() {
    if (store == null) {
      try {
        Path home = Files.createTempDirectory("adlake-test-postgres");
        server =
            EmbeddedPostgresServer.startOrAttach(
                home.resolve("postgres"),
                home.resolve("work"),
                home.resolve("logs/pg.log"),
                0,
                home.resolve("secrets/postgres-password"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      store =
          MetadataStore.open(
              server.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.of(server.password()), 16);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    store.close();
                    server.close();
                  }));
    }
    return store;
  }
}
