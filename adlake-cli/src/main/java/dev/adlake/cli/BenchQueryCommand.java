package dev.adlake.cli;

import dev.adlake.bench.QueryBenchmark;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.generator.serving.ServingDataGenerator;
import dev.adlake.server.AdlakeServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adlake bench query}: dashboard clients against 90 days of rollups of 2,000 ads, in a
 * PostgreSQL of the benchmark's own (never the home's serving store, which it would replace).
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Time the API under dashboard load: a campaign's metrics over 90 days, p99.",
      "",
      "90 days of hourly rollups for 2,000 ads are generated straight into a serving store of",
      "the benchmark's own, then concurrent clients ask for a campaign's metrics over 90 days",
      "with unique users. Target: p99 under 50 ms with 50",
      "clients. The data is generated once, under the home's work folder, and reused."
    },
    footer = {"", "Example:", "  adlake bench query --clients 50 --seconds 30 --runs 3"})
final class BenchQueryCommand implements Callable<Integer> {
  static final double TARGET_P99_MILLIS = 50;

  @Spec CommandSpec spec;

  @Option(
      names = "--clients",
      defaultValue = "50",
      description = "Concurrent clients (default: ${DEFAULT-VALUE})")
  int clients;

  @Option(
      names = "--seconds",
      defaultValue = "30",
      description = "Measured seconds per run, after a 10 s warm-up (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Measured runs; medians are reported (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--regenerate", description = "Generate the data again even if it is there")
  boolean regenerate;

  @Override
  public Integer call() {
    AdlakeCommand root = spec.root().commandLine().getCommand();
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), false);
    Path folder = config.workDirectory().resolve("bench-query");
    ServingDataGenerator.Options data = ServingDataGenerator.Options.defaults();
    console.line(
        "bench query: %d clients, %d run(s) of %d s, %d cores, %s",
        clients,
        runs,
        seconds,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + Runtime.version());
    console.line(
        "data: %d days of %,d ads in %d campaigns of %d advertisers, hourly and daily, with sketches",
        data.days(), data.ads(), data.campaigns(), data.advertisers());
    console.line("peer: the target of p99 under %.0f ms", TARGET_P99_MILLIS);
    try (EmbeddedPostgresServer postgres =
            EmbeddedPostgresServer.startOrAttach(
                folder.resolve("postgres"),
                config.workDirectory().resolve("postgres-binaries"),
                folder.resolve("postgres.log"),
                0,
                folder.resolve("secrets").resolve("postgres-password"));
        MetadataStore store =
            MetadataStore.open(
                postgres.jdbcUrl(),
                EmbeddedPostgresServer.USER,
                Optional.of(postgres.password()),
                16)) {
      if (regenerate || !generated(store)) {
        long started = System.nanoTime();
        ServingDataGenerator.generate(store.dataSource(), data, line -> console.line("  " + line));
        console.line("  generated in %.0f s", (System.nanoTime() - started) / 1e9);
      } else {
        console.line("  reusing the data generated in %s (--regenerate to make it again)", folder);
      }
      List<QueryBenchmark.Result> results = new ArrayList<>();
      try (AdlakeServer server =
          AdlakeServer.start(
              // Without tokens: the benchmark times the queries (a token's check is cached, a
              // hash and a map lookup per request).
              new ServerConfig("127.0.0.1", 0, config.server().maxRangeDays(), 1000, false),
              store.dataSource())) {
        long waiting = System.nanoTime();
        while (!server.preAggregated()) {
          if (System.nanoTime() - waiting > Duration.ofMinutes(10).toNanos()) {
            throw new ExternalFailureException(
                "The server did not pre-aggregate the daily sketches in 10 minutes; see the log",
                null);
          }
          sleep(Duration.ofMillis(500));
        }
        console.line(
            "  server ready: daily sketches pre-aggregated in memory after %.0f s",
            (System.nanoTime() - waiting) / 1e9);
        QueryBenchmark.Options defaults = QueryBenchmark.Options.defaults(server.url());
        for (int run = 1; run <= runs; run++) {
          QueryBenchmark.Result result =
              QueryBenchmark.run(
                  new QueryBenchmark.Options(
                      server.url(),
                      clients,
                      defaults.warmUp(),
                      Duration.ofSeconds(seconds),
                      defaults.firstCampaignId(),
                      defaults.campaigns(),
                      defaults.from(),
                      defaults.days(),
                      defaults.seed() + run),
                  line -> {});
          results.add(result);
          console.line("  run %d: %s", run, result.summary());
        }
      }
      double p50 = median(results, QueryBenchmark.Result::p50Millis);
      double p99 = median(results, QueryBenchmark.Result::p99Millis);
      double rate = median(results, QueryBenchmark.Result::requestsPerSecond);
      long errors = results.stream().mapToLong(QueryBenchmark.Result::errors).sum();
      console.line(
          "median of %d run(s): p50 %.1f ms, p99 %.1f ms, %,.0f requests/s, %d errors: %s",
          runs,
          p50,
          p99,
          rate,
          errors,
          p99 < TARGET_P99_MILLIS && errors == 0 ? "target met" : "target NOT met");
      return 0;
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalFailureException("Interrupted while waiting for the server", e);
    }
  }

  private static double median(
      List<QueryBenchmark.Result> results, ToDoubleFunction<QueryBenchmark.Result> figure) {
    List<Double> values =
        results.stream().map(figure::applyAsDouble).sorted(Comparator.naturalOrder()).toList();
    return values.get(values.size() / 2);
  }

  private static boolean generated(MetadataStore store) {
    try (Connection connection = store.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT EXISTS (SELECT 1 FROM serving.metrics_daily)")) {
      rows.next();
      return rows.getBoolean(1);
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot read the benchmark's serving store: " + e.getMessage(), e);
    }
  }
}
