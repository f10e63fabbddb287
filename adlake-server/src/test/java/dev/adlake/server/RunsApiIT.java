package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.run.JobRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runs endpoints over the runs {@link RunsFixture} recorded through the core API: each answer
 * holds what was recorded, newest first, and every invalid request is refused, naming its fault.
 */
class RunsApiIT {
  static RunsFixture fixture;
  static String api;

  @BeforeAll
  static void start() {
    fixture = RunsFixture.get();
    api = fixture.server.url() + "/api";
  }

  @Test
  void recentRunsAreEveryRecordedAttemptNewestFirst() {
    JsonNode answer = ApiClient.ok(api + "/runs");
    assertThat(answer.get("limit").asInt()).isEqualTo(50);
    assertThat(answer.get("job").isNull()).isTrue();
    List<JsonNode> runs = list(answer.get("runs"));
    long nightly = fixture.nightly.pipelineRunId();
    long manual = fixture.manual.pipelineRunId();
    long backfill = fixture.backfill.id();
    // Newest first: what was recorded last comes first. Within a pipeline run the executor
    // decides which of the ready jobs starts first, so its runs are compared as a set.
    List<Tuple> tuples =
        runs.stream()
            .map(
                run ->
                    tuple(
                        run.get("job").asText(),
                        run.get("status").asText(),
                        run.get("attempt").asInt(),
                        run.get("pipelineRunId").isNull()
                            ? null
                            : run.get("pipelineRunId").asLong(),
                        run.get("backfillId").isNull() ? null : run.get("backfillId").asLong()))
            .toList();
    assertThat(tuples).hasSize(16);
    assertThat(tuples.get(0)).isEqualTo(tuple("mapping-stream", "running", 1, null, null));
    assertThat(tuples.subList(1, 5))
        .containsExactlyInAnyOrder(
            tuple("ingest-events", "succeeded", 1, manual, null),
            tuple("mapping-stream", "succeeded", 1, manual, null),
            tuple("identity-graph", "failed", 1, manual, null),
            tuple("classify-domains", "succeeded", 1, manual, null));
    assertThat(tuples.subList(5, 9))
        .containsExactly(
            tuple("ad-metrics", "succeeded", 1, null, backfill),
            tuple("ad-metrics", "succeeded", 1, null, backfill),
            tuple("ad-metrics", "succeeded", 2, null, null),
            tuple("ad-metrics", "failed", 1, null, null));
    assertThat(tuples.subList(9, 16))
        .containsExactlyInAnyOrder(
            tuple("ingest-events", "succeeded", 1, nightly, null),
            tuple("mapping-stream", "succeeded", 1, nightly, null),
            tuple("identity-graph", "succeeded", 1, nightly, null),
            tuple("classify-domains", "succeeded", 1, nightly, null),
            tuple("build-segments", "succeeded", 1, nightly, null),
            tuple("ad-metrics", "succeeded", 1, nightly, null),
            tuple("serving-refresh", "succeeded", 1, nightly, null));
    List<Instant> starts =
        runs.stream().map(run -> Instant.parse(run.get("startedAt").asText())).toList();
    assertThat(starts).isSortedAccordingTo(Comparator.reverseOrder());
    List<Long> ids = runs.stream().map(run -> run.get("id").asLong()).toList();
    assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotHaveDuplicates();
    for (JsonNode run : runs) {
      checkTimes(run);
    }
  }

  @Test
  void aRunShowsItsFiguresTimesAndParameters() {
    for (Map.Entry<String, JobRunner.Outcome> outcome : fixture.nightly.succeeded().entrySet()) {
      JsonNode run = runById(outcome.getValue().runId());
      JobResult expected = RunsFixture.RESULTS.get(outcome.getKey());
      assertThat(run.get("job").asText()).isEqualTo(outcome.getKey());
      assertThat(run.get("rowsIn").asLong()).isEqualTo(expected.rowsIn());
      assertThat(run.get("rowsOut").asLong()).isEqualTo(expected.rowsOut());
      assertThat(run.get("figures").size()).isEqualTo(expected.figures().size());
      expected
          .figures()
          .forEach(
              (name, value) -> {
                assertThat(run.get("figures").get(name).asLong()).isEqualTo(value);
                assertThat(run.get("units").get(name).asText())
                    .isEqualTo(expected.unit(name).sqlName());
              });
      assertThat(run.get("error").isNull()).isTrue();
      assertThat(run.get("endedAt").isNull()).isFalse();
      // In a pipeline run a job is ready when the jobs it waits for have ended.
      assertThat(run.get("readyAt").isNull()).isFalse();
    }
    JsonNode ingest = runById(fixture.nightly.succeeded().get("ingest-events").runId());
    assertThat(ingest.get("domain").asText()).isEqualTo("ingestion");
    assertThat(ingest.get("figures").get("rejected").asLong()).isEqualTo(50);
    assertThat(ingest.get("units").get("rejected").asText()).isEqualTo("rows");
    assertThat(ingest.get("units").get("bytes_read").asText()).isEqualTo("bytes");
    JsonNode stream = runById(fixture.nightly.succeeded().get("mapping-stream").runId());
    assertThat(stream.get("domain").asText()).isEqualTo("cookie_mapping");
    assertThat(stream.get("parameters").get("once").asText()).isEqualTo("true");

    // The retry: the first attempt failed with the lake's error, the second waited the backoff.
    long retry = fixture.retried.get(0).runId();
    JsonNode second = runById(retry);
    JsonNode first = runById(retry - 1);
    assertThat(first.get("attempt").asInt()).isEqualTo(1);
    assertThat(first.get("status").asText()).isEqualTo("failed");
    assertThat(first.get("error").asText())
        .isEqualTo("ExternalFailureException: " + RunsFixture.LAKE_DOWN);
    assertThat(first.get("rowsIn").isNull()).isTrue();
    assertThat(second.get("attempt").asInt()).isEqualTo(2);
    assertThat(second.get("status").asText()).isEqualTo("succeeded");
    assertThat(second.get("waitedMillis").asLong())
        .isGreaterThanOrEqualTo(RunsFixture.BACKOFF.toMillis());

    JsonNode backfillDay =
        list(ApiClient.ok(api + "/runs?job=ad-metrics&limit=1").get("runs")).get(0);
    assertThat(backfillDay.get("backfillId").asLong()).isEqualTo(fixture.backfill.id());
    assertThat(backfillDay.get("parameters").get("day").asText())
        .isEqualTo(RunsFixture.FIRST_BACKFILL_DAY.plusDays(1).toString());

    JsonNode running = runById(fixture.streamingRun);
    assertThat(running.get("status").asText()).isEqualTo("running");
    assertThat(running.get("endedAt").isNull()).isTrue();
    assertThat(running.get("rowsOut").isNull()).isTrue();
    // While it runs, its duration runs until now.
    Instant started = Instant.parse(running.get("startedAt").asText());
    assertThat(running.get("durationMillis").asLong())
        .isLessThanOrEqualTo(Duration.between(started, Instant.now()).toMillis() + 1);
  }

  @Test
  void runsOfOneJobAndALimit() {
    List<JsonNode> adMetrics = list(ApiClient.ok(api + "/runs?job=ad-metrics").get("runs"));
    // The nightly run, the failed attempt and its retry, two backfill days; the manual run skipped
    // it.
    assertThat(adMetrics).hasSize(5).allMatch(run -> run.get("job").asText().equals("ad-metrics"));
    assertThat(adMetrics.get(4).get("pipelineRunId").asLong())
        .isEqualTo(fixture.nightly.pipelineRunId());
    JsonNode limited = ApiClient.ok(api + "/runs?job=ad-metrics&limit=2");
    assertThat(limited.get("job").asText()).isEqualTo("ad-metrics");
    assertThat(limited.get("limit").asInt()).isEqualTo(2);
    assertThat(list(limited.get("runs")))
        .extracting(run -> run.get("id").asLong())
        .containsExactly(adMetrics.get(0).get("id").asLong(), adMetrics.get(1).get("id").asLong());
    List<JsonNode> all = list(ApiClient.ok(api + "/runs").get("runs"));
    assertThat(list(ApiClient.ok(api + "/runs?limit=3").get("runs")))
        .extracting(run -> run.get("id").asLong())
        .containsExactly(
            all.get(0).get("id").asLong(),
            all.get(1).get("id").asLong(),
            all.get(2).get("id").asLong());
    // build-segments ran in the nightly run only: the manual run skipped it.
    assertThat(list(ApiClient.ok(api + "/runs?job=build-segments").get("runs")))
        .extracting(run -> run.get("pipelineRunId").asLong())
        .containsExactly(fixture.nightly.pipelineRunId());
  }

  @Test
  void pipelineRunsNewestFirstWithTheirJobCounts() {
    JsonNode answer = ApiClient.ok(api + "/pipeline-runs");
    assertThat(answer.get("limit").asInt()).isEqualTo(50);
    assertThat(list(answer.get("pipelineRuns")))
        .extracting(
            run -> run.get("id").asLong(),
            run -> run.get("trigger").asText(),
            run -> run.get("selection").asText(),
            run -> run.get("status").asText(),
            run -> run.get("jobs").asInt(),
            run -> run.get("succeeded").asInt(),
            run -> run.get("failed").asInt(),
            run -> run.get("skipped").asInt())
        .containsExactly(
            tuple(
                fixture.waitingPipelineRun,
                "schedule hourly",
                "from ingest-events",
                "running",
                7,
                0,
                0,
                0),
            tuple(
                fixture.manual.pipelineRunId(),
                "manual",
                "all jobs",
                "failed",
                7,
                fixture.manual.succeeded().size(),
                fixture.manual.failed().size(),
                fixture.manual.skipped().size()),
            tuple(
                fixture.nightly.pipelineRunId(),
                "schedule nightly",
                "all jobs",
                "succeeded",
                7,
                7,
                0,
                0));
    assertThat(fixture.manual.skipped())
        .containsOnlyKeys("build-segments", "ad-metrics", "serving-refresh");
    JsonNode waiting = answer.get("pipelineRuns").get(0);
    assertThat(waiting.get("endedAt").isNull()).isTrue();
    JsonNode nightly = answer.get("pipelineRuns").get(2);
    long took =
        Duration.between(
                Instant.parse(nightly.get("startedAt").asText()),
                Instant.parse(nightly.get("endedAt").asText()))
            .toMillis();
    assertThat(nightly.get("durationMillis").asLong()).isBetween(took - 1, took + 1);
    assertThat(ApiClient.ok(api + "/pipeline-runs?limit=1").get("pipelineRuns")).hasSize(1);
  }

  @Test
  void theJobRunsOfAPipelineRunInTheOrderTheyStarted() {
    JsonNode answer =
        ApiClient.ok("%s/pipeline-runs/%d/runs".formatted(api, fixture.manual.pipelineRunId()));
    assertThat(answer.get("pipelineRunId").asLong()).isEqualTo(fixture.manual.pipelineRunId());
    List<JsonNode> runs = list(answer.get("runs"));
    assertThat(runs)
        .extracting(run -> run.get("job").asText(), run -> run.get("status").asText())
        .containsExactlyInAnyOrder(
            tuple("ingest-events", "succeeded"),
            tuple("mapping-stream", "succeeded"),
            tuple("classify-domains", "succeeded"),
            tuple("identity-graph", "failed"));
    assertThat(runs)
        .filteredOn(run -> run.get("status").asText().equals("failed"))
        .singleElement()
        .satisfies(
            run ->
                assertThat(run.get("error").asText())
                    .isEqualTo("IllegalStateException: " + RunsFixture.IDENTITY_FAILS));
    for (String job : List.of("ingest-events", "mapping-stream", "classify-domains")) {
      assertThat(runs)
          .anyMatch(
              run ->
                  run.get("id").asLong() == fixture.manual.succeeded().get(job).runId()
                      && run.get("job").asText().equals(job));
    }
    assertThat(runs.stream().map(run -> run.get("id").asLong()).toList()).isSorted();

    JsonNode nightly =
        ApiClient.ok("%s/pipeline-runs/%d/runs".formatted(api, fixture.nightly.pipelineRunId()));
    assertThat(list(nightly.get("runs")))
        .extracting(run -> run.get("id").asLong())
        .containsExactlyInAnyOrderElementsOf(
            fixture.nightly.succeeded().values().stream().map(JobRunner.Outcome::runId).toList());
    // A pipeline run whose first job has not started has no job runs yet.
    JsonNode waiting =
        ApiClient.ok("%s/pipeline-runs/%d/runs".formatted(api, fixture.waitingPipelineRun));
    assertThat(waiting.get("runs")).isEmpty();
  }

  @Test
  void alertsNewestFirst() {
    JsonNode answer = ApiClient.ok(api + "/alerts");
    assertThat(answer.get("limit").asInt()).isEqualTo(50);
    List<JsonNode> alerts = list(answer.get("alerts"));
    assertThat(alerts)
        .extracting(alert -> alert.get("subject").asText())
        .containsExactlyElementsOf(reversed(fixture.alertSubjects));
    JsonNode newest = alerts.get(0);
    assertThat(newest.get("kind").asText()).isEqualTo("deadline_missed");
    assertThat(newest.get("dueAt").asText()).isEqualTo("2026-03-03T06:00:00Z");
    assertThat(newest.get("message").asText())
        .isEqualTo(
            "serving-refresh has not succeeded 2 h after it was due at 2026-03-03T06:00:00Z");
    assertThat(Instant.parse(newest.get("raisedAt").asText())).isBefore(Instant.now());
    assertThat(ApiClient.ok(api + "/alerts?limit=1").get("alerts")).hasSize(1);
  }

  @Test
  void thePipelineGraphHasEveryJobWithItsDepthAndUpstreamJobs() {
    JsonNode answer = ApiClient.ok(api + "/pipeline");
    assertThat(answer.get("selection").asText()).isEqualTo("all jobs");
    List<JsonNode> jobs = list(answer.get("jobs"));
    assertThat(jobs)
        .extracting(
            job -> job.get("name").asText(),
            job -> job.get("domain").asText(),
            job -> job.get("domainTitle").asText(),
            job -> job.get("kind").asText(),
            job -> job.get("depth").asInt())
        .containsExactly(
            tuple("ingest-events", "ingestion", "Ingestion", "batch", 0),
            tuple("mapping-stream", "cookie_mapping", "Cookie mapping", "streaming", 0),
            tuple("identity-graph", "cookie_mapping", "Cookie mapping", "batch", 1),
            tuple("classify-domains", "domain_classification", "Domain classification", "batch", 1),
            tuple("build-segments", "segment_building", "Segment building", "batch", 2),
            tuple("ad-metrics", "reporting", "Reporting", "batch", 2),
            tuple("serving-refresh", "reporting_enablement", "Reporting enablement", "batch", 3));
    assertThat(list(jobs.get(4).get("upstream")))
        .extracting(
            upstream -> upstream.get("job").asText(), upstream -> upstream.get("dataset").asText())
        .containsExactly(
            tuple("ingest-events", "raw.events"),
            tuple("identity-graph", "identity.graph"),
            tuple("classify-domains", "reference.site_categories"));
    assertThat(jobs.get(0).get("upstream")).isEmpty();
    assertThat(list(jobs.get(6).get("upstream")))
        .extracting(
            upstream -> upstream.get("job").asText(), upstream -> upstream.get("dataset").asText())
        .containsExactly(tuple("ad-metrics", "reporting.ad_metrics"));
    assertThat(jobs.get(1).get("description").asText())
        .isEqualTo("The mapping-stream job of the runs tests");
  }

  @Test
  void aServerStartedWithoutThePipelineSaysSo() {
    try (AdlakeServer plain = AdlakeServer.start(RunsFixture.CONFIG, fixture.store.dataSource())) {
      ApiClient.authorize(plain.url(), fixture.token);
      ApiClient.Answer answer = ApiClient.get(plain.url() + "/api/pipeline");
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.body().get("error").asText())
          .isEqualTo(
              "The server was started without the pipeline: /api/pipeline needs the platform's"
                  + " jobs, which adlake serve gives it");
      // The runs are there all the same; without the pipeline an unknown job has no runs.
      assertThat(ApiClient.ok(plain.url() + "/api/runs").get("runs")).hasSize(16);
      assertThat(ApiClient.ok(plain.url() + "/api/runs?job=no-such-job").get("runs")).isEmpty();
    }
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        Arguments.of("/runs?limit=0", "limit", "limit is 0, must be a positive integer"),
        Arguments.of(
            "/runs?limit=1001",
            "limit",
            "limit is 1001, more than 1000, the most one listing of runs or alerts holds"),
        Arguments.of("/runs?limit=ten", "limit", "limit is 'ten', must be a positive integer"),
        Arguments.of("/pipeline-runs?limit=-3", "limit", "limit is -3, must be a positive integer"),
        Arguments.of(
            "/pipeline-runs?limit=5000",
            "limit",
            "limit is 5000, more than 1000, the most one listing of runs or alerts holds"),
        Arguments.of("/alerts?limit=0", "limit", "limit is 0, must be a positive integer"),
        Arguments.of("/pipeline-runs/abc/runs", "id", "id is 'abc', must be a positive integer"),
        Arguments.of("/pipeline-runs/0/runs", "id", "id is 0, must be a positive integer"));
  }

  @ParameterizedTest(name = "{0} names {1}")
  @MethodSource("invalidRequests")
  void invalidRequestsAnswer400NamingTheParameter(String path, String parameter, String error) {
    ApiClient.Answer answer = ApiClient.get(api + path);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("parameter").asText()).isEqualTo(parameter);
    assertThat(answer.body().get("error").asText()).isEqualTo(error);
  }

  @Test
  void unknownJobsAndPipelineRunsAnswer404() {
    ApiClient.Answer job = ApiClient.get(api + "/runs?job=no-such-job");
    assertThat(job.status()).isEqualTo(404);
    assertThat(job.body().get("error").asText())
        .isEqualTo(
            "No job named 'no-such-job': the pipeline has no such job and no run of it is"
                + " recorded; jobs: ingest-events, mapping-stream, identity-graph,"
                + " classify-domains, build-segments, ad-metrics, serving-refresh");
    long unknown = fixture.waitingPipelineRun + 1000;
    ApiClient.Answer pipelineRun =
        ApiClient.get("%s/pipeline-runs/%d/runs".formatted(api, unknown));
    assertThat(pipelineRun.status()).isEqualTo(404);
    assertThat(pipelineRun.body().get("error").asText())
        .isEqualTo("No pipeline run with id " + unknown);
  }

  /** Times are ISO instants to the millisecond; a duration is the time from start to end. */
  private static void checkTimes(JsonNode run) {
    Instant started = Instant.parse(run.get("startedAt").asText());
    assertThat(started.getNano() % 1_000_000).isZero();
    if (!run.get("endedAt").isNull()) {
      Instant ended = Instant.parse(run.get("endedAt").asText());
      // Both ends are cut to the millisecond, the duration is not: they differ by 1 ms at most.
      assertThat(run.get("durationMillis").asLong())
          .isBetween(
              Duration.between(started, ended).toMillis() - 1,
              Duration.between(started, ended).toMillis() + 1);
    }
    if (!run.get("readyAt").isNull()) {
      Instant ready = Instant.parse(run.get("readyAt").asText());
      long waited = Math.max(0, Duration.between(ready, started).toMillis());
      assertThat(run.get("waitedMillis").asLong()).isBetween(waited - 1, waited + 1);
    } else {
      assertThat(run.get("waitedMillis").asLong()).isZero();
    }
  }

  private static JsonNode runById(long id) {
    return list(ApiClient.ok(api + "/runs?limit=1000").get("runs")).stream()
        .filter(run -> run.get("id").asLong() == id)
        .findFirst()
        .orElseThrow(() -> new AssertionError("No run " + id + " in /api/runs"));
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> nodes = new ArrayList<>();
    array.forEach(nodes::add);
    return nodes;
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return copy;
  }
}
