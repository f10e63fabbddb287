package dev.adlake.server;

import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;

/**
 * One embedded PostgreSQL, one generated serving store and one running server per test JVM, shared
 * by every test class of the module.
 */
final class ServingFixture {
  static final ServingDataGenerator.Options OPTIONS =
      new ServingDataGenerator.Options(30, 200, 40, 8, 30_000, 10.0, LocalDate.of(2026, 3, 1), 7);
  static final ServerConfig CONFIG = new ServerConfig("127.0.0.1", 0, 92, 500);

  private static ServingFixture instance;

  final EmbeddedPostgresServer postgres;
  final MetadataStore store;
  final ServingDataTruth truth;
  final AdlakeServer server;

  private ServingFixture(Path home) {
    postgres =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"), home.resolve("work"), home.resolve("logs/pg.log"), 0);
    store =
        MetadataStore.open(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.empty(), 8);
    truth = ServingDataGenerator.generate(store.dataSource(), OPTIONS, line -> {});
    server = AdlakeServer.start(CONFIG, store.dataSource());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  store.close();
                  postgres.close();
                }));
  }

  static synchronized ServingFixture get() {
    if (instance == null) {
      try {
        Path home = Files.createTempDirectory(Path.of("target"), "serving-it-");
        instance = new ServingFixture(home.toAbsolutePath());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return instance;
  }
}
