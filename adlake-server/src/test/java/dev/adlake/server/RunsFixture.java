package dev.adlake.server;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.access.Scope;
import dev.adlake.core.config.JobPolicy;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobCatalog;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.job.Services;
import dev.adlake.core.job.Unit;
import dev.adlake.core.metadata.Alert;
import dev.adlake.core.metadata.Backfill;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.metadata.JdbcBackfills;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.metadata.RunStart;
import dev.adlake.core.metadata.RunStatus;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.run.PipelineExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A metadata database of its own in the shared PostgreSQL ({@link TestDatabase}), holding the runs
 * of a seven-job pipeline recorded through the core API, and a server over it that knows the
 * pipeline; one per test JVM, shared by {@link RunsApiIT} and {@link DashboardBrowserIT}.
 *
 * <p>Recorded in this order: a nightly pipeline run where every job succeeds; ad-metrics on its
 * own, failing once and succeeding on its retry; a backfill of ad-metrics over two days; a manual
 * pipeline run where identity-graph fails, so the three jobs after it are skipped; two deadline
 * alerts; a run of mapping-stream that is still running; a pipeline run with no job started yet.
 */
final class RunsFixture {
  static final String DATABASE = "runs_it";
  static final ServerConfig CONFIG = new ServerConfig("127.0.0.1", 0, 92, 500, true);
  static final Duration BACKOFF = Duration.ofMillis(200);
  static final String LAKE_DOWN = "Cannot read raw.events: the lake's catalog did not answer";
  static final String IDENTITY_FAILS = "identity.mappings holds 0 rows for the day";
  static final LocalDate FIRST_BACKFILL_DAY = LocalDate.of(2026, 3, 1);

  /** What each job reports when it succeeds. */
  static final Map<String, JobResult> RESULTS = results();

  private static RunsFixture instance;

  final MetadataStore store;
  final Pipeline pipeline;
  final AdlakeServer server;

  /** A read token of the server, which {@link ApiClient} sends. */
  final String token;

  final PipelineExecutor.Result nightly;
  final List<JobRunner.Outcome> retried = new ArrayList<>();
  final Backfill backfill;
  final PipelineExecutor.Result manual;
  final long streamingRun;
  final long waitingPipelineRun;

  /** The alerts' subjects, in the order they were raised. */
  final List<String> alertSubjects = List.of("ad-metrics", "serving-refresh");

  private final AtomicInteger adMetricsFailures = new AtomicInteger();
  private final AtomicBoolean identityFails = new AtomicBoolean();

  private RunsFixture(TestDatabase database) {
    store = freshStore(database);
    TestDatabase.closeFirst(store);
    JobCatalog catalog = catalog();
    pipeline = Pipeline.of(catalog.definitions());
    JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());
    JdbcPipelineRuns pipelineRuns = new JdbcPipelineRuns(store.dataSource());
    JobRunner runner =
        new JobRunner(
            ledger,
            Services.none(),
            job ->
                job.equals("ad-metrics")
                    ? JobPolicy.DEFAULT.withRetries(1, BACKOFF)
                    : JobPolicy.DEFAULT,
            Optional.empty());
    PipelineExecutor executor =
        new PipelineExecutor(catalog, runner, pipelineRuns, Optional.empty(), 1);
    PipelineExecutor.Listener quiet = new PipelineExecutor.Listener() {};

    nightly = executor.run(pipeline, "schedule nightly", Instant.now(), Map.of(), quiet);

    adMetricsFailures.set(1);
    retried.add(runner.run(catalog.get("ad-metrics"), Map.of(), line -> {}));

    JdbcBackfills backfills = new JdbcBackfills(store.dataSource());
    backfill =
        backfills.start(
            "ad-metrics", FIRST_BACKFILL_DAY, FIRST_BACKFILL_DAY.plusDays(1), false, Map.of());
    for (LocalDate day = FIRST_BACKFILL_DAY;
        !day.isAfter(backfill.lastDay());
        day = day.plusDays(1)) {
      runner.run(
          catalog.get("ad-metrics"),
          Map.of(JobDefinition.DAY, day.toString()),
          RunStart.inBackfill(backfill.id(), Instant.now()),
          line -> {});
    }
    backfills.mark(backfill.id(), RunStatus.SUCCEEDED);

    identityFails.set(true);
    manual = executor.run(pipeline, "manual", Instant.now(), Map.of(), quiet);

    JdbcAlerts alerts = new JdbcAlerts(store.dataSource());
    Instant due = Instant.parse("2026-03-03T06:00:00Z");
    for (String subject : alertSubjects) {
      alerts.raise(
          Alert.DEADLINE_MISSED,
          subject,
          due,
          "%s has not succeeded 2 h after it was due at %s".formatted(subject, due));
    }

    streamingRun =
        ledger.start(catalog.get("mapping-stream").definition(), Map.of(), RunStart.FIRST);
    waitingPipelineRun = pipelineRuns.start("schedule hourly", "from ingest-events", 7);

    server = AdlakeServer.start(CONFIG, store.dataSource(), pipeline);
    TestDatabase.closeFirst(server);
    token =
        new JdbcApiTokens(store.dataSource()).create("runs-tests", Scope.READ, "tests").secret();
    ApiClient.authorize(server.url(), token);
  }

  static synchronized RunsFixture get() {
    if (instance == null) {
      instance = new RunsFixture(TestDatabase.get());
    }
    return instance;
  }

  /** A new database in the shared PostgreSQL, so that the runs of other tests do not mix in. */
  private static MetadataStore freshStore(TestDatabase database) {
    try (Connection connection = database.store.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
      statement.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create database " + DATABASE + ": " + e, e);
    }
    return MetadataStore.open(
        "jdbc:postgresql://127.0.0.1:%d/%s".formatted(database.postgres.port(), DATABASE),
        EmbeddedPostgresServer.USER,
        Optional.of(database.postgres.password()),
        4);
  }

  private JobCatalog catalog() {
    JobParameter<Boolean> once =
        JobParameter.optional(
            JobDefinition.ONCE, ValueType.bool(), "false", "Up to the topic's end, then stop");
    JobParameter<LocalDate> day =
        JobParameter.optional(JobDefinition.DAY, ValueType.date(), null, "The day to compute");
    return new JobCatalog()
        .add(
            job(
                "ingest-events",
                Domain.INGESTION,
                JobKind.BATCH,
                List.of(Dataset.files("landing/events")),
                List.of(Dataset.table("raw.events")),
                List.of()))
        .add(
            job(
                "mapping-stream",
                Domain.COOKIE_MAPPING,
                JobKind.STREAMING,
                List.of(Dataset.topic("ingested-mapping")),
                List.of(Dataset.table("identity.mappings")),
                List.of(once)))
        .add(
            new TestingJob(
                definition(
                    "identity-graph",
                    Domain.COOKIE_MAPPING,
                    JobKind.BATCH,
                    List.of(Dataset.table("identity.mappings")),
                    List.of(Dataset.table("identity.graph")),
                    List.of()),
                context -> {
                  if (identityFails.get()) {
                    throw new IllegalStateException(IDENTITY_FAILS);
                  }
                  return RESULTS.get("identity-graph");
                }))
        .add(
            job(
                "classify-domains",
                Domain.DOMAIN_CLASSIFICATION,
                JobKind.BATCH,
                List.of(Dataset.table("raw.events")),
                List.of(Dataset.table("reference.site_categories")),
                List.of()))
        .add(
            job(
                "build-segments",
                Domain.SEGMENT_BUILDING,
                JobKind.BATCH,
                List.of(
                    Dataset.table("raw.events"),
                    Dataset.table("identity.graph"),
                    Dataset.table("reference.site_categories")),
                List.of(Dataset.table("segments.members")),
                List.of()))
        .add(
            new TestingJob(
                definition(
                    "ad-metrics",
                    Domain.REPORTING,
                    JobKind.BATCH,
                    List.of(Dataset.table("raw.events"), Dataset.table("identity.graph")),
                    List.of(Dataset.table("reporting.ad_metrics")),
                    List.of(day)),
                context -> {
                  if (adMetricsFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    throw new ExternalFailureException(LAKE_DOWN, null);
                  }
                  return RESULTS.get("ad-metrics");
                }))
        .add(
            job(
                "serving-refresh",
                Domain.REPORTING_ENABLEMENT,
                JobKind.BATCH,
                List.of(Dataset.table("reporting.ad_metrics")),
                List.of(Dataset.servingTable("serving.metrics_daily")),
                List.of()));
  }

  private static TestingJob job(
      String name,
      Domain domain,
      JobKind kind,
      List<Dataset> reads,
      List<Dataset> writes,
      List<JobParameter<?>> parameters) {
    return new TestingJob(
        definition(name, domain, kind, reads, writes, parameters), context -> RESULTS.get(name));
  }

  private static JobDefinition definition(
      String name,
      Domain domain,
      JobKind kind,
      List<Dataset> reads,
      List<Dataset> writes,
      List<JobParameter<?>> parameters) {
    return new JobDefinition(
        name, domain, kind, "The " + name + " job of the runs tests", reads, writes, parameters);
  }

  private static Map<String, JobResult> results() {
    Map<String, JobResult> results = new LinkedHashMap<>();
    results.put(
        "ingest-events",
        new JobResult(
            12_000,
            11_950,
            Map.of("rejected", 50L, "files", 3L, "bytes_read", 5_242_880L),
            Map.of("rejected", Unit.ROWS, "files", Unit.FILES, "bytes_read", Unit.BYTES)));
    results.put("mapping-stream", JobResult.of(3_400, 3_400));
    results.put("identity-graph", JobResult.of(3_400, 2_100));
    results.put("classify-domains", JobResult.of(11_950, 310));
    results.put("build-segments", JobResult.of(2_100, 740));
    results.put("ad-metrics", new JobResult(11_950, 96, Map.of("campaigns", 12L)));
    results.put("serving-refresh", JobResult.of(96, 96));
    return Map.copyOf(results);
  }
}
