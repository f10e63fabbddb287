package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.LoopbackPorts;
import dev.adlake.generator.stream.StreamEventGenerator;
import dev.adlake.generator.stream.StreamGeneratorOptions;
import dev.adlake.kafka.EmbeddedKafkaBroker;
import dev.adlake.kafka.EventProducer;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.kafka.TestPrometheus;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's real Prometheus scrapes every long-running adlake process, each a JVM of its own with
 * its {@code --metrics-port}: the scheduler, the enricher, ingest --watch, metrics --watch, the
 * archive and a bridge, on a database of their own in the test PostgreSQL and a Kafka broker of
 * their own. Every process is up and reports its own figures, every expression of the streams
 * dashboard returns series, and every metric of the processes' alerting rules is scraped. ({@code
 * adlake serve}'s metrics and alerts: the server's PrometheusIT.)
 */
class ProcessMetricsIT {
  private static final Path MONITORING = Path.of("..", "monitoring").toAbsolutePath().normalize();
  private static final Path RULES = MONITORING.resolve("prometheus/adlake-process-alerts.yml");
  private static final Path DASHBOARD =
      MONITORING.resolve("grafana/dashboards/adlake-streams.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATABASE = "process_metrics_it";

  /** Each process's command line after {@code adlake --config ... }, by its scrape job. */
  private static final Map<String, List<String>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("scheduler", List.of("scheduler"));
    COMMANDS.put("enrich", List.of("enrich"));
    COMMANDS.put("ingest", List.of("ingest", "--watch", "--feed", "tracker-clicks"));
    COMMANDS.put("metrics", List.of("metrics", "--watch"));
    COMMANDS.put("archive", List.of("archive"));
    COMMANDS.put("bridge", List.of("bridge"));
  }

  static Path home;
  static EmbeddedKafkaBroker kafka;
  static final Map<String, Process> processes = new LinkedHashMap<>();
  static TestPrometheus prometheus;

  @BeforeAll
  static void start() throws Exception {
    Platform platform = TestPlatform.get();
    home = platform.config().home().resolve("processes").resolve("metrics");
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
      statement.execute("CREATE DATABASE " + DATABASE);
    }
    String jdbcUrl = platform.metadata().jdbcUrl();
    jdbcUrl = jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + DATABASE;
    kafka = EmbeddedKafkaBroker.start(home.resolve("kafka"), 0);
    // The bridge and the archive want their topics at start; the enricher makes them too.
    KafkaTopics.ensure(
        kafka.bootstrapServers(),
        List.of("ingested-tracker", "ingested-bids", "enriched-tracker", "enriched-bids"),
        2);
    new EventProducer(kafka.bootstrapServers(), 2)
        .send(
            new StreamEventGenerator(StreamGeneratorOptions.defaults(3_000, Instant.now())),
            0,
            (sent, rate) -> {});
    // The built-in feeds (ad-metrics needs the ad server's); the bridge's own file adds a feed
    // batched from a topic, as declared feeds replace the built-in ones.
    String common =
        """
        metadata:
          jdbc-url: "%s"
          password: "%s"
        kafka:
          bootstrap-servers: "%s"
        spark:
          master: local[1]
          shuffle-partitions: 2
        enrich:
          pseudonym-key: "a-test-key-that-is-long-enough"
          trigger-seconds: 1
        ingest:
          poll-interval-seconds: 2
        metrics:
          poll-interval-seconds: 2
        schedules:
          every-five-seconds:
            cron: "*/5 * * * * *"
            job: ingest-tracker-clicks
        """
            .formatted(
                jdbcUrl, platform.metadata().password().orElseThrow(), kafka.bootstrapServers());
    Path config = home.resolve("adlake.yaml");
    Files.writeString(config, common);
    Path bridgeConfig = home.resolve("bridge.yaml");
    Files.writeString(
        bridgeConfig,
        common
            + """
            feeds:
              pm-stream:
                topic: enriched-tracker
                prefix: stream/tracker/
                format: json
                schema: "event_id string"
                table: pm_it.stream
            """);
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> command : COMMANDS.entrySet()) {
      int port = LoopbackPorts.free();
      ports.put(command.getKey(), port);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--home",
                  home.toString(),
                  "--config",
                  (command.getKey().equals("bridge") ? bridgeConfig : config).toString()));
      args.addAll(command.getValue());
      args.addAll(List.of("--metrics-port", String.valueOf(port)));
      processes.put(
          command.getKey(),
          AdlakeProcess.start(
              home.resolve(command.getKey() + "-output.log"), "768m", List.of(), args));
    }
    Map<String, String> targets = new LinkedHashMap<>();
    ports.forEach((name, port) -> targets.put("adlake-" + name, "127.0.0.1:" + port));
    prometheus = TestPrometheus.start(home.resolve("prometheus"), RULES, targets);
    assertThat(prometheus.rulesCheck).contains("SUCCESS: 4 rules found");
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process process : processes.values()) {
      process.destroy();
    }
    for (Process process : processes.values()) {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyProcessIsScrapedWithItsOwnFigures() throws Exception {
    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("scheduler", "adlake_scheduler_runs_total{process=\"scheduler\"}");
    figures.put("enrich", "adlake_enrich_records_total{process=\"enrich\",output=\"event\"}");
    figures.put(
        "ingest",
        "adlake_job_runs_total{process=\"ingest\",job_name=\"ingest-tracker-clicks\",outcome=\"succeeded\"}");
    figures.put(
        "metrics",
        "adlake_job_runs_total{process=\"metrics\",job_name=\"ad-metrics\",outcome=\"succeeded\"}");
    figures.put("archive", "adlake_archive_records_total{process=\"archive\"}");
    figures.put("bridge", "adlake_bridge_records_total{process=\"bridge\",feed=\"pm-stream\"}");
    for (Map.Entry<String, String> figure : figures.entrySet()) {
      String job = "adlake-" + figure.getKey();
      await(
          "up{job=\"%s\"} == 1".formatted(job),
          () -> "1".equals(value("up{job=\"%s\"}".formatted(job))));
      await(
          figure.getValue() + " > 0 from " + job,
          () -> {
            String seen = value("sum(%s)".formatted(figure.getValue()));
            return seen != null && Double.parseDouble(seen) > 0;
          });
    }
    assertThat(query("adlake_consumer_lag_records{process=\"enrich\",topic=\"ingested-tracker\"}"))
        .isNotEmpty();
    assertThat(query("jvm_memory_used_bytes{job=\"adlake-bridge\",process=\"bridge\"}"))
        .isNotEmpty();
  }

  @Test
  void everyStreamsDashboardExpressionReturnsSeries() throws Exception {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
      panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
    }
    assertThat(expressions).hasSizeGreaterThan(10);
    for (String expression : expressions) {
      await(expression, () -> !query(expression).isEmpty());
    }
  }

  @Test
  void everyMetricTheProcessRulesNameIsScraped() throws Exception {
    Set<String> names = TestPrometheus.metricsNamedIn(RULES);
    assertThat(names)
        .contains(
            "adlake_consumer_lag_records",
            "adlake_enrich_records_total",
            "kafka_consumer_fetch_manager_records_lag",
            "up");
    for (String name : names) {
      await(name + " scraped", () -> !query("count({__name__=\"%s\"})".formatted(name)).isEmpty());
    }
  }

  /** Waits up to four minutes: the processes start Spark on two cores beside each other. */
  private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await(what + " (logs: " + home + ")")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(condition);
  }

  private static String value(String expression) throws Exception {
    return prometheus.value(expression);
  }

  private static JsonNode query(String expression) throws Exception {
    return prometheus.query(expression);
  }
}
