package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import dev.adlake.core.ledger.LoadStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final String CLICKS = "prometheus-clicks";
  private static final String VIEWS = "prometheus-views";

  @TempDir static Path temp;
  static JdbcLoadLedger loads;
  static Process prometheus;
  static String prometheusUrl;
  static String server;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Path.of("/usr/bin/prometheus"))
        .as("Debian's Prometheus: apt-get install prometheus (.ci/run installs it)")
        .exists();
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
    Path config = temp.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: adlake-serve
            static_configs:
              - targets: ["%s:%d"]
        """
            .formatted(RULES, target.getHost(), target.getPort()));
    assertThat(run("/usr/bin/promtool", "check", "rules", RULES.toString()))
        .contains("SUCCESS: 9 rules found");
    assertThat(run("/usr/bin/promtool", "check", "config", config.toString())).contains("SUCCESS");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    prometheusUrl = "http://127.0.0.1:" + port;
    prometheus =
        new ProcessBuilder(
                "/usr/bin/prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + temp.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("prometheus.log").toFile())
            .start();
    Awaitility.await("Prometheus scraping " + server + " (log: " + temp + "/prometheus.log)")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                query("up{job=\"adlake-serve\"}")
                    .path(0)
                    .path("value")
                    .path(1)
                    .asText()
                    .equals("1"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
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
    Set<String> names = new TreeSet<>();
    Matcher matcher =
        Pattern.compile("\\b(adlake_[a-z_]+|up)\\b(?=[{\\s)\\[]|$)")
            .matcher(Files.readString(RULES));
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
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
    return firing(alert, "job_name");
  }

  /** The label's value of each firing alert of this name. */
  private static List<String> firing(String alert, String label) throws Exception {
    List<String> values = new ArrayList<>();
    for (JsonNode node : get("/api/v1/alerts").path("data").path("alerts")) {
      if (node.path("labels").path("alertname").asText().equals(alert)
          && node.path("state").asText().equals("firing")) {
        values.add(node.path("labels").path(label).asText());
      }
    }
    return values;
  }

  private static JsonNode query(String expression) throws Exception {
    JsonNode answer =
        get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
    assertThat(answer.path("status").asText()).as(expression + ": " + answer).isEqualTo("success");
    return answer.path("data").path("result");
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(prometheusUrl + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}
