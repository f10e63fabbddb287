package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} over the runs {@link RunsFixture} recorded: the requests just made by route
 * template, the latest finished run of every job from the run records, the pool and the JVM, in
 * Prometheus' text format.
 */
class ServerMetricsIT {
  private static final Pattern SAMPLE =
      Pattern.compile(
          "^([a-z_:][a-z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*\\})? (\\S+)$",
          Pattern.MULTILINE);

  @Test
  void requestsRunsPoolAndJvmAreScrapedInPrometheusFormat() throws Exception {
    RunsFixture fixture = RunsFixture.get();
    String base = fixture.server.url();
    // Other tests of this JVM share the server: requests are counted from this scrape on.
    Map<String, Double> before = samples(scrape(base).body());
    ApiClient.ok(base + "/api/runs");
    ApiClient.ok(base + "/api/runs");
    ApiClient.ok(base + "/api/pipeline-runs/" + fixture.nightly.pipelineRunId() + "/runs");
    assertThat(ApiClient.get(base + "/api/no-such-route").status()).isEqualTo(404);

    HttpResponse<String> response = scrape(base);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    Map<String, Double> samples = samples(response.body());

    String requests =
        "adlake_http_server_requests_seconds_count{method=\"GET\",route=\"%s\",status=\"%d\"}";
    assertThat(added(before, samples, requests.formatted("/api/runs", 200))).isEqualTo(2.0);
    assertThat(added(before, samples, requests.formatted("/api/pipeline-runs/{id}/runs", 200)))
        .isEqualTo(1.0);
    assertThat(added(before, samples, requests.formatted(ServerMetrics.UNMATCHED, 404)))
        .isEqualTo(1.0);
    assertThat(response.body())
        .contains("# TYPE adlake_http_server_requests_seconds histogram")
        .containsPattern(
            "(?m)^adlake_http_server_requests_seconds_bucket\\{(?=.*route=\"/api/runs\")(?=.*le=\"0.25\").*} [0-9.]+$");
    // The path of an unmatched request never becomes a label.
    assertThat(response.body()).doesNotContain("no-such-route");

    // identity-graph's latest run failed after a nightly success; mapping-stream's latest run is
    // still running, so its latest finished one counts; ad-metrics succeeded on a retry.
    assertThat(samples)
        .containsEntry("adlake_job_last_run_succeeded{job_name=\"identity-graph\"}", 0.0)
        .containsEntry("adlake_job_last_run_succeeded{job_name=\"mapping-stream\"}", 1.0)
        .containsEntry("adlake_job_last_run_succeeded{job_name=\"ad-metrics\"}", 1.0)
        .containsKey("adlake_job_last_success_timestamp_seconds{job_name=\"identity-graph\"}")
        .containsKey("adlake_job_last_run_end_timestamp_seconds{job_name=\"identity-graph\"}")
        .containsKey("adlake_job_last_run_duration_seconds{job_name=\"ad-metrics\"}")
        .containsKey("adlake_job_last_run_rows_out{job_name=\"ad-metrics\"}");
    assertThat(
            samples.get("adlake_job_last_run_end_timestamp_seconds{job_name=\"identity-graph\"}"))
        .isGreaterThan(
            samples.get("adlake_job_last_success_timestamp_seconds{job_name=\"identity-graph\"}"));

    List<String> names =
        samples.keySet().stream().map(key -> key.replaceAll("\\{.*", "")).distinct().toList();
    assertThat(names)
        .contains(
            "adlake_serving_newest_hour_age_seconds",
            "adlake_serving_last_refresh_age_seconds",
            "hikaricp_connections_active",
            "jvm_memory_used_bytes",
            "jvm_threads_live_threads",
            "process_uptime_seconds");
  }

  private static HttpResponse<String> scrape(String base) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static double added(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }

  /** Each sample line's name and labels, and its value. */
  private static Map<String, Double> samples(String text) {
    Matcher matcher = SAMPLE.matcher(text);
    return matcher
        .results()
        .collect(
            Collectors.toMap(
                result -> result.group(1) + (result.group(2) == null ? "" : result.group(2)),
                result -> Double.parseDouble(result.group(3)),
                (a, b) -> a));
  }
}
