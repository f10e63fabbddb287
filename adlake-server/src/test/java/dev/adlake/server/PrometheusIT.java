package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.kafka.TestPrometheus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scrapes a running {@code adlake serve} (the {@link RunsFixture} server,
 * whose identity-graph job failed last) with the repository's alerting rules: every expression of
 * the Grafana dashboards returns series, every metric the rules name is scraped, and the failed
 * job's alert fires. {@code .ci/run} installs Prometheus ({@code apt-get install prometheus}).
 */
class PrometheusIT {
  private static final Path MONITORING = Path.of("..", "monitoring").toAbsolutePath().normalize();
  private static final Path RULES = MONITORING.resolve("prometheus/adlake-alerts.yml");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CLICKS = "prometheus-clicks";
  private static final String VIEWS = "prometheus-views";

  @TempDir static Path temp;
  static JdbcLoadLedger loads;
  static TestPrometheus prometheus;
  static String server;

  @BeforeAll
  static void start() throws Exception {
    RunsFixture fixture = RunsFixture.get();
    server = fixture.server.url();
    loads = new JdbcLoadLedger(fixture.store.dataSource());
    load(CLICKS, "a.csv", true);
    load(VIEWS, "a.csv", true);
    // The views feed stopped seven hours ago.
    try (Connection connection = fixture.store.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE adlake.loads SET finished_at = now() - interval '7 hours' WHERE feed = '%s'"
              .formatted(VIEWS));
    }
    URI target = URI.create(server);
    prometheus =
        TestPrometheus.start(
            temp, RULES, Map.of("adlake-serve", target.getHost() + ":" + target.getPort()));
    assertThat(prometheus.rulesCheck).contains("SUCCESS: 9 rules found");
    Awaitility.await("Prometheus scraping " + server + " (log: " + temp + "/prometheus.log)")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> "1".equals(prometheus.value("up{job=\"adlake-serve\"}")));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  void everyDashboardExpressionReturnsSeries() throws IOException {
    List<String> expressions = new ArrayList<>();
    try (var dashboards = Files.list(MONITORING.resolve("grafana/dashboards"))) {
      // The streams dashboard is of the long-running processes: ProcessMetricsIT checks it.
      for (Path dashboard :
          dashboards
              .filter(file -> !file.getFileName().toString().equals("adlake-streams.json"))
              .sorted()
              .toList()) {
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
          panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
      }
    }
    assertThat(expressions).hasSizeGreaterThan(10);
    // Requests while Prometheus scrapes, so rates over two scrapes or more have something.
    for (String expression : expressions) {
      Awaitility.await(expression)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                ApiClient.ok(server + "/api/runs");
                return !query(expression).isEmpty();
              });
    }
  }

  @Test
  void everyMetricTheRulesNameIsScraped() throws Exception {
    Set<String> names = TestPrometheus.metricsNamedIn(RULES);
    assertThat(names)
        .contains(
            "adlake_job_last_run_succeeded",
            "adlake_serving_newest_hour_age_seconds",
            "adlake_http_server_requests_seconds_bucket",
            "adlake_feed_last_load_timestamp_seconds",
            "adlake_feed_files_total",
            "up");
    for (String name : names) {
      assertThat(query("count({__name__=\"%s\"})".formatted(name)))
          .as("series of %s", name)
          .isNotEmpty();
    }
  }

  @Test
  void theFailedJobsAlertFiresAndNoOther() throws Exception {
    Awaitility.await("AdlakeJobFailed firing")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> !firing("AdlakeJobFailed").isEmpty());
    assertThat(firing("AdlakeJobFailed")).containsExactly("identity-graph");
  }

  @Test
  void theSilentFeedsAlertFiresForTheFeedThatStopped() throws Exception {
    Awaitility.await("AdlakeFeedSilent firing")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> !firing("AdlakeFeedSilent", "feed").isEmpty());
    assertThat(firing("AdlakeFeedSilent", "feed")).containsExactly(VIEWS);
  }

  @Test
  void aFileThatErrorsWhilePrometheusWatchesFiresItsFeedsAlert() throws Exception {
    load(CLICKS, "b.csv", false);
    Awaitility.await("AdlakeFeedFilesErrored firing")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> !firing("AdlakeFeedFilesErrored", "feed").isEmpty());
    assertThat(firing("AdlakeFeedFilesErrored", "feed")).containsExactly(CLICKS);
  }

  /** Records a file of the feed loaded and archived, or failed and moved to the error folder. */
  private static void load(String feed, String name, boolean loaded) {
    Load load = loads.discover(feed, feed + "/" + name, 10, Instant.now()).load();
    Load claimed = loads.claim(List.of(feed)).orElseThrow();
    assertThat(claimed.id()).isEqualTo(load.id());
    if (loaded) {
      loads.committed(load.id(), "c", new LoadCounts(100, 98, 2, 1L), Optional.empty());
      loads.transition(load.id(), LoadStatus.READY_FOR_ARCHIVING, LoadStatus.ARCHIVING);
      loads.stored(load.id(), LoadStatus.ARCHIVING, LoadStatus.ARCHIVED, "archive/" + name);
    } else {
      loads.failed(load.id(), Optional.empty(), Optional.empty(), "line 2: not a number");
      loads.transition(load.id(), LoadStatus.READY_FOR_ERRORING, LoadStatus.ERRORING);
      loads.stored(load.id(), LoadStatus.ERRORING, LoadStatus.ERRORED, "error/" + name);
    }
  }

  /** The job_name of each firing alert of this name. */
  private static List<String> firing(String alert) throws Exception {
    return prometheus.firing(alert, "job_name");
  }

  private static List<String> firing(String alert, String label) throws Exception {
    return prometheus.firing(alert, label);
  }

  private static JsonNode query(String expression) throws Exception {
    return prometheus.query(expression);
  }
}
