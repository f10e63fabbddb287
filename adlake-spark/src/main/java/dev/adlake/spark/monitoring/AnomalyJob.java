package dev.adlake.spark.monitoring;

import dev.adlake.core.anomaly.AlertNotifier;
import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.anomaly.AnomalyMonitor;
import dev.adlake.core.anomaly.HourlyCounts;
import dev.adlake.core.anomaly.SeasonalDetector;
import dev.adlake.core.anomaly.SeriesKey;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * {@code data-anomalies}: the serving store's latest hours against their seasonal baseline, each
 * anomaly raised once as an alert ({@link AnomalyMonitor}) and sent to the webhook and mail of the
 * configuration ({@link AlertNotifiers}). It runs on its own schedule (hourly, after the metrics),
 * not as a step of the pipeline.
 */
public final class AnomalyJob implements Job {
  public static final String NAME = "data-anomalies";

  public static final JobParameter<Integer> HOURS =
      JobParameter.optional(
          "hours",
          ValueType.integer(1, 24 * 31),
          "24",
          "The latest hours to judge, of the serving store and of the streams");

  private final JobDefinition definition;
  private final EventsTables tables;

  public AnomalyJob() {
    this(EventsTables.DEFAULT);
  }

  /**
   * @param tables the streams' tables whose hours it judges
   */
  public AnomalyJob(EventsTables tables) {
    this.tables = tables;
    this.definition =
        new JobDefinition(
            NAME,
            Domain.MONITORING,
            JobKind.BATCH,
            "The latest hours of impressions, clicks, conversions and CTR per campaign and in"
                + " total, and of events and failed records per source, against the same hours of"
                + " recent weeks; anomalies become alerts",
            List.of(
                Dataset.servingTable("serving.metrics_hourly"),
                Dataset.table(tables.events()),
                Dataset.table(tables.failedEvents())),
            List.of(Dataset.external("adlake.alerts")),
            List.of(HOURS));
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  /**
   * Sends each anomaly through the platform's notifiers; one that fails keeps it from none of the
   * next alerts, and {@link #raiseFailures} says what failed once the check is done.
   */
  static final class Notifiers implements Consumer<Anomaly> {
    private final AlertNotifier notifier;
    private final List<RuntimeException> failures = new ArrayList<>();

    Notifiers(AlertNotifier notifier) {
      this.notifier = notifier;
    }

    @Override
    public void accept(Anomaly anomaly) {
      try {
        notifier.send(anomaly.notice());
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }

    /** Throws the first failure, the others suppressed in it, if any notification failed. */
    void raiseFailures() {
      if (failures.isEmpty()) {
        return;
      }
      RuntimeException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  @Override
  public JobResult run(JobContext context) {
    SeasonalDetector.Settings settings = SeasonalDetector.Settings.defaults();
    Notifiers notifiers = new Notifiers(context.service(AlertNotifier.class));
    AnomalyMonitor monitor =
        new AnomalyMonitor(
            context.service(MetadataStore.class).dataSource(),
            new SeasonalDetector(settings),
            notifiers);
    int hours = context.parameters().get(HOURS);
    AnomalyMonitor.Report serving = monitor.check(hours, settings.weeks(), context.progress());
    AnomalyMonitor.Report streams = checkStreams(context, monitor, hours, settings.weeks());
    // Every alert is recorded and sent where it could be; a notifier that failed fails the run.
    notifiers.raiseFailures();
    int series = serving.series() + streams.series();
    int raised = serving.raised().size() + streams.raised().size();
    return new JobResult(
        series,
        raised,
        Map.of(
            "hours", (long) hours,
            "series", (long) series,
            "anomalies", (long) serving.anomalies().size() + streams.anomalies().size(),
            "alerts_raised", (long) raised));
  }

  /** The streams' latest complete hours: events per source, failed-event ratio, bid volume. */
  private AnomalyMonitor.Report checkStreams(
      JobContext context, AnomalyMonitor monitor, int hours, int weeks) {
    StreamSeries streams = new StreamSeries(context.service(SparkSession.class), tables);
    Optional<Instant> end = streams.end();
    if (end.isEmpty()) {
      context.progress().accept("the streams hold no events yet: nothing to judge");
      return new AnomalyMonitor.Report(Optional.empty(), 0, List.of(), List.of());
    }
    Instant to = end.get();
    Instant from = to.minus(Duration.ofHours(hours));
    Instant earliest = from.minus(Duration.ofDays(7L * weeks));
    Map<SeriesKey, HourlyCounts> series = new HashMap<>();
    Instant first = streams.read(earliest, to, series).orElse(earliest);
    return monitor.judge(series, first, from, to, "the streams", context.progress());
  }
}
