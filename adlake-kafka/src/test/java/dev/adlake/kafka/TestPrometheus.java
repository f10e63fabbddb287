package dev.adlake.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's real Prometheus for the monitoring tests: it scrapes the given targets every second and
 * evaluates a rules file each second, after {@code promtool} checked the rules and the
 * configuration; queries, firing alerts and the metrics a rules file names. Shared by the server's
 * PrometheusIT and the processes' ProcessMetricsIT ({@code .ci/run} installs Prometheus).
 */
public final class TestPrometheus implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private final Process process;
  private final String url;

  /** What {@code promtool check rules} said of the rules file. */
  public final String rulesCheck;

  private TestPrometheus(Process process, String url, String rulesCheck) {
    this.process = process;
    this.url = url;
    this.rulesCheck = rulesCheck;
  }

  /**
   * Starts Prometheus with its data and log in the folder.
   *
   * @param targets each scrape job's name and its host:port
   */
  public static TestPrometheus start(Path folder, Path rules, Map<String, String> targets)
      throws Exception {
    assertThat(PROMETHEUS)
        .as("Debian's Prometheus: apt-get install prometheus (.ci/run installs it)")
        .exists();
    StringBuilder scrapes = new StringBuilder();
    targets.forEach(
        (job, target) ->
            scrapes.append(
                """
                  - job_name: %s
                    static_configs:
                      - targets: ["%s"]
                """
                    .formatted(job, target)));
    Path config = folder.resolve("prometheus.yml");
    Files.createDirectories(folder);
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
        %s"""
            .formatted(rules, scrapes));
    String rulesCheck = run(PROMTOOL.toString(), "check", "rules", rules.toString());
    assertThat(run(PROMTOOL.toString(), "check", "config", config.toString())).contains("SUCCESS");
    int port = LoopbackPorts.free();
    Process process =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + folder.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(folder.resolve("prometheus.log").toFile())
            .start();
    return new TestPrometheus(process, "http://127.0.0.1:" + port, rulesCheck);
  }

  /** The result of an instant query: its series, empty when there are none. */
  public JsonNode query(String expression) throws IOException, InterruptedException {
    JsonNode answer =
        get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
    assertThat(answer.path("status").asText()).as(expression + ": " + answer).isEqualTo("success");
    return answer.path("data").path("result");
  }

  /** The value of the query's first series, or null without one. */
  public String value(String expression) throws IOException, InterruptedException {
    JsonNode result = query(expression);
    return result.isEmpty() ? null : result.path(0).path("value").path(1).asText();
  }

  /** The label's value of each firing alert of this name. */
  public List<String> firing(String alert, String label) throws IOException, InterruptedException {
    List<String> values = new ArrayList<>();
    for (JsonNode node : get("/api/v1/alerts").path("data").path("alerts")) {
      if (node.path("labels").path("alertname").asText().equals(alert)
          && node.path("state").asText().equals("firing")) {
        values.add(node.path("labels").path(label).asText());
      }
    }
    return values;
  }

  /** The metric names a rules file's expressions use (adlake's, Kafka clients', up). */
  public static Set<String> metricsNamedIn(Path rules) throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher matcher =
        Pattern.compile("\\b((?:adlake|kafka)_[a-z_]+|up)\\b(?=[{\\s)\\[]|$)")
            .matcher(Files.readString(rules));
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** Runs a command to its end; it must succeed. */
  public static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
