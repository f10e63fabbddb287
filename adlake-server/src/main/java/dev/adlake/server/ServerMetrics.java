package dev.adlake.server;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.metadata.JdbcHealth;
import dev.adlake.core.metadata.Run;
import dev.adlake.core.metadata.RunStatus;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus metrics of {@code adlake serve}, scraped at {@code GET /metrics}: API requests by
 * route, method and status (a histogram, for rates and p99), the serving store's freshness, the
 * latest run of every job from the run records (so batch jobs are scrapeable after they end, from
 * whichever process runs them), the connection pool and the JVM.
 *
 * <p>Names and units follow Prometheus' conventions ({@code _seconds}, {@code _total}); labels are
 * low-cardinality: a route is its template ({@code /api/pipeline-runs/{id}/runs}), never the path.
 */
final class ServerMetrics implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);

  /**
   * The label naming a job: not {@code job}, which Prometheus gives every series of a scrape (the
   * scrape's name) and would rename ours to {@code exported_job}.
   */
  static final String JOB_LABEL = "job_name";

  /** The label naming a feed, as the configuration names it ({@code adserver-events}). */
  static final String FEED_LABEL = "feed";

  /** The route label of a request no route matched, so unknown paths add no series. */
  static final String UNMATCHED = "unmatched";

  /** The latency histogram's buckets: few, so each route adds a dozen series, not seventy. */
  private static final Duration[] BUCKETS =
      java.util.stream.Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
          .map(Duration::ofMillis)
          .toArray(Duration[]::new);

  /** The route label of the dashboard's static files. */
  static final String STATIC = "static";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final Clock clock;
  private final MultiGauge lastRunSucceeded;
  private final MultiGauge lastRunEnd;
  private final MultiGauge lastRunDuration;
  private final MultiGauge lastRunRowsOut;
  private final MultiGauge lastSuccess;

  private final MultiGauge feedLastLoad;
  private final MultiGauge feedWaiting;

  /** The feeds' counters' values as last read, by series; each counter reads its own. */
  private final Map<Tags, double[]> feedTotals = new ConcurrentHashMap<>();

  private JdbcHealth health;

  /** The registry with the JVM's metrics; {@link #watch} adds the platform's. */
  ServerMetrics(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    lastRunSucceeded =
        multiGauge(
            "adlake.job.last.run.succeeded",
            "1 when the job's latest finished run succeeded, 0 when it failed",
            null);
    lastRunEnd =
        multiGauge(
            "adlake.job.last.run.end.timestamp",
            "When the job's latest finished run ended, as Unix time",
            "seconds");
    lastRunDuration =
        multiGauge(
            "adlake.job.last.run.duration",
            "How long the job's latest finished run took",
            "seconds");
    lastRunRowsOut =
        multiGauge(
            "adlake.job.last.run.rows.out", "Rows the job's latest finished run wrote", null);
    lastSuccess =
        multiGauge(
            "adlake.job.last.success.timestamp",
            "When the job's latest successful run ended, as Unix time",
            "seconds");
    feedLastLoad =
        multiGauge(
            "adlake.feed.last.load.timestamp",
            "When the feed's latest file was loaded and archived, as Unix time",
            "seconds");
    feedWaiting =
        multiGauge(
            "adlake.feed.waiting.files", "Files of the feed discovered and not loaded yet", null);
  }

  /** A gauge of one series per job or feed, rewritten at each scrape; unit null for a count. */
  private MultiGauge multiGauge(String name, String description, String unit) {
    return MultiGauge.builder(name).description(description).baseUnit(unit).register(registry);
  }

  /**
   * Adds the run records' latest runs and the serving store's freshness, read at each scrape.
   *
   * @param newestHour the newest hour of the serving store, if any
   * @param lastRefresh when the serving store was last refreshed, if ever
   */
  void watch(
      JdbcHealth health,
      Supplier<Optional<Instant>> newestHour,
      Supplier<Optional<Instant>> lastRefresh) {
    this.health = requireNonNull(health, "health is null");
    Gauge.builder("adlake.serving.newest.hour.age", () -> age(newestHour.get()))
        .description("Seconds since the newest hour of the serving store began; NaN when empty")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("adlake.serving.last.refresh.age", () -> age(lastRefresh.get()))
        .description("Seconds since the serving store's last refresh; NaN before the first")
        .baseUnit("seconds")
        .register(registry);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Records one answered request; called after the response, whatever its status. */
  void request(Context context, float milliseconds) {
    String route;
    try {
      route = context.endpointHandlerPath();
    } catch (RuntimeException e) {
      route = "*";
    }
    int status = context.status().getCode();
    Timer.builder("adlake.http.server.requests")
        .description("HTTP requests answered, by route template, method and status")
        .tags(
            Tags.of(
                "route",
                status == 404 ? UNMATCHED : route.isEmpty() || route.equals("*") ? STATIC : route,
                "method",
                context.method().name(),
                "status",
                Integer.toString(status)))
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record((long) (milliseconds * 1_000_000L), TimeUnit.NANOSECONDS);
  }

  /**
   * The scrape: the run records' latest runs are read now, so a job's figures appear as soon as its
   * run is recorded, from whichever process ran it.
   */
  String scrape() {
    refreshRuns();
    return registry.scrape();
  }

  private void refreshRuns() {
    if (health == null) {
      return;
    }
    List<Run> latest;
    List<Run> successes;
    List<JdbcHealth.FeedTotals> feeds;
    try {
      latest = health.latestRuns();
      successes = health.latestSuccesses();
      feeds = health.feedTotals();
    } catch (RuntimeException e) {
      // The JVM and request metrics still answer; the run gauges keep their last values.
      LOG.warn("Cannot read the run records for the metrics", e);
      return;
    }
    List<MultiGauge.Row<?>> succeeded = new ArrayList<>();
    List<MultiGauge.Row<?>> ends = new ArrayList<>();
    List<MultiGauge.Row<?>> durations = new ArrayList<>();
    List<MultiGauge.Row<?>> rowsOut = new ArrayList<>();
    for (Run run : latest) {
      if (run.endedAt().isEmpty()) {
        continue;
      }
      Tags job = Tags.of(JOB_LABEL, run.jobName());
      Instant ended = run.endedAt().get();
      succeeded.add(MultiGauge.Row.of(job, run.status() == RunStatus.SUCCEEDED ? 1 : 0));
      ends.add(MultiGauge.Row.of(job, ended.toEpochMilli() / 1000.0));
      durations.add(
          MultiGauge.Row.of(job, Duration.between(run.startedAt(), ended).toMillis() / 1000.0));
      run.rowsOut().ifPresent(rows -> rowsOut.add(MultiGauge.Row.of(job, rows)));
    }
    refreshFeeds(feeds);
    lastRunSucceeded.register(succeeded, true);
    lastRunEnd.register(ends, true);
    lastRunDuration.register(durations, true);
    lastRunRowsOut.register(rowsOut, true);
    lastSuccess.register(
        successes.stream()
            .filter(run -> run.endedAt().isPresent())
            .<MultiGauge.Row<?>>map(
                run ->
                    MultiGauge.Row.of(
                        Tags.of(JOB_LABEL, run.jobName()),
                        run.endedAt().get().toEpochMilli() / 1000.0))
            .toList(),
        true);
  }

  private void refreshFeeds(List<JdbcHealth.FeedTotals> feeds) {
    List<MultiGauge.Row<?>> lastLoads = new ArrayList<>();
    List<MultiGauge.Row<?>> waiting = new ArrayList<>();
    for (JdbcHealth.FeedTotals feed : feeds) {
      Tags tags = Tags.of(FEED_LABEL, feed.feed());
      feed.lastLoaded()
          .ifPresent(time -> lastLoads.add(MultiGauge.Row.of(tags, time.toEpochMilli() / 1000.0)));
      waiting.add(MultiGauge.Row.of(tags, feed.waiting()));
      total(
              "adlake.feed.files",
              "Files of the feed loaded or failed",
              tags.and("status", "archived"))[0] =
          feed.archived();
      total(
              "adlake.feed.files",
              "Files of the feed loaded or failed",
              tags.and("status", "errored"))[0] =
          feed.errored();
      total("adlake.feed.rows", "Rows of the feed's loaded files", tags.and("outcome", "read"))[0] =
          feed.rowsRead();
      total("adlake.feed.rows", "Rows of the feed's loaded files", tags.and("outcome", "rejected"))[
              0] =
          feed.rowsRejected();
    }
    feedLastLoad.register(lastLoads, true);
    feedWaiting.register(waiting, true);
  }

  /** The value cell of a feed counter, registering the counter the first time. */
  private double[] total(String name, String description, Tags tags) {
    return feedTotals.computeIfAbsent(
        Tags.of(tags).and("__name", name),
        key -> {
          double[] cell = new double[1];
          FunctionCounter.builder(name, cell, value -> value[0])
              .description(description)
              .tags(tags)
              .register(registry);
          return cell;
        });
  }

  private double age(Optional<Instant> time) {
    return time.map(t -> Duration.between(t, clock.instant()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
