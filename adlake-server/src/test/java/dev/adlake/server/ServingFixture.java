package dev.adlake.server;

import dev.adlake.core.access.Scope;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.generator.serving.ServingDataGenerator;
import dev.adlake.generator.serving.ServingDataTruth;
import java.time.LocalDate;

/**
 * One generated serving store (in {@link TestDatabase}) and one running server per test JVM, shared
 * by every test class of the module.
 */
final class ServingFixture {
  static final ServingDataGenerator.Options OPTIONS =
      new ServingDataGenerator.Options(30, 200, 40, 8, 30_000, 10.0, LocalDate.of(2026, 3, 1), 7);
  static final ServerConfig CONFIG = new ServerConfig("127.0.0.1", 0, 92, 500, true);

  private static ServingFixture instance;

  final MetadataStore store;
  final ServingDataTruth truth;
  final AdlakeServer server;

  /** An admin token of the server, which {@link ApiClient} sends. */
  final String token;

  private ServingFixture(TestDatabase database) {
    store = database.store;
    truth = ServingDataGenerator.generate(store.dataSource(), OPTIONS, line -> {});
    server = AdlakeServer.start(CONFIG, store.dataSource());
    TestDatabase.closeFirst(server);
    token =
        new JdbcApiTokens(store.dataSource())
            .create("serving-tests", Scope.ADMIN, "tests")
            .secret();
    ApiClient.authorize(server.url(), token);
  }

  static synchronized ServingFixture get() {
    if (instance == null) {
      instance = new ServingFixture(TestDatabase.get());
    }
    return instance;
  }
}
