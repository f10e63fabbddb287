package dev.adlake.server;

import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.MetadataStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link QueryBenchmark} on the generator's default volume; not part of the test suite (its
 * name matches neither *Test nor *IT). Run it with {@code -Dtest=QueryBenchmarkRun}; the database
 * is kept in target/bench so that a rerun skips generation.
 */
class QueryBenchmarkRun {
  @Test
  void run() throws Exception {
    Path home = Path.of("target/bench").toAbsolutePath();
    int clients = Integer.getInteger("bench.clients", 50);
    int seconds = Integer.getInteger("bench.seconds", 30);
    try (EmbeddedPostgresServer postgres =
            EmbeddedPostgresServer.startOrAttach(
                home.resolve("postgres"), home.resolve("work"), home.resolve("pg.log"), 0);
        MetadataStore store =
            MetadataStore.open(
                postgres.jdbcUrl(),
                EmbeddedPostgresServer.USER,
                Optional.empty(),
                Integer.getInteger("bench.pool", AdlakeServer.POOL_SIZE))) {
      ServingDataGenerator.Options options = ServingDataGenerator.Options.defaults();
      if (Boolean.getBoolean("bench.generate") || rows(store) == 0) {
        ServingDataGenerator.generate(store.dataSource(), options, System.out::println);
      }
      try (Connection connection = store.dataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet sizes =
              statement.executeQuery(
                  "SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid))"
                      + " FROM pg_stat_user_tables WHERE schemaname = 'serving' ORDER BY 1")) {
        while (sizes.next()) {
          System.out.printf(
              "%-20s %,12d rows %s%n", sizes.getString(1), sizes.getLong(2), sizes.getString(3));
        }
      }
      try (AdlakeServer server =
          AdlakeServer.start(
              new ServerConfig("127.0.0.1", 0, 366, 1000),
              store.dataSource(),
              !Boolean.getBoolean("bench.no-pre-aggregation"),
              null)) {
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofMinutes(5))
            .until(() -> Boolean.getBoolean("bench.no-pre-aggregation") || server.preAggregated());
        QueryBenchmark.Options defaults = QueryBenchmark.Options.defaults(server.url());
        QueryBenchmark.Options benchmark =
            new QueryBenchmark.Options(
                server.url(),
                clients,
                Duration.ofSeconds(Math.max(5, seconds / 3)),
                Duration.ofSeconds(seconds),
                defaults.firstCampaignId(),
                defaults.campaigns(),
                defaults.from(),
                defaults.days(),
                defaults.seed());
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors());
        var os =
            (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        QueryBenchmark.Result result = QueryBenchmark.run(benchmark, System.out::println);
        double cpuMillis = (os.getProcessCpuTime() - cpuBefore) / 1e6;
        double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
        System.out.printf(
            "JVM CPU (server and clients, warm-up included): %.2f ms per request, %.0f%% of a core;"
                + " load average %.1f%n",
            cpuMillis
                / (result.requests()
                    * (1
                        + (double) benchmark.warmUp().toSeconds()
                            / benchmark.duration().toSeconds())),
            cpuMillis / 10 / wallSeconds,
            os.getSystemLoadAverage());
      }
    }
  }

  private static long rows(MetadataStore store) throws Exception {
    try (Connection connection = store.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM serving.refreshes")) {
      result.next();
      return result.getLong(1);
    }
  }
}
