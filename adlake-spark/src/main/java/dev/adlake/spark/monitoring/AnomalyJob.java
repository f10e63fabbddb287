package dev.adlake.spark.monitoring;

import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.anomaly.AnomalyMonitor;
import dev.adlake.core.anomaly.SeasonalDetector;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.MonitoringConfig;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code data-anomalies}: the serving store's latest hours against their seasonal baseline, each
 * anomaly raised once as an alert ({@link AnomalyMonitor}) and posted to {@code
 * monitoring.alert-webhook} when set. It runs on its own schedule (hourly, after the metrics), not
 * as a step of the pipeline.
 */
public final class AnomalyJob implements Job {
  public static final String NAME = "data-anomalies";

  public static final JobParameter<Integer> HOURS =
      JobParameter.optional(
          "hours",
          ValueType.integer(1, 24 * 31),
          "24",
          "The latest hours of the serving store to judge");

  private final AdlakeConfig config;
  private final JobDefinition definition =
      new JobDefinition(
          NAME,
          Domain.MONITORING,
          JobKind.BATCH,
          "The latest hours of impressions, clicks, conversions and CTR per campaign and in"
              + " total against the same hours of recent weeks; anomalies become alerts",
          List.of(Dataset.servingTable("serving.metrics_hourly")),
          List.of(Dataset.external("adlake.alerts")),
          List.of(HOURS));

  public AnomalyJob(AdlakeConfig config) {
    this.config = config;
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  /**
   * The webhook and the mail, as configured: each alert goes to every one, and one that fails (a
   * hook down) keeps it from none of the others nor from the next alerts; {@link #raiseFailures}
   * says what failed once the check is done.
   */
  static final class Notifiers implements Consumer<Anomaly> {
    private final List<Consumer<Anomaly>> notifiers = new ArrayList<>();
    private final List<RuntimeException> failures = new ArrayList<>();

    Notifiers(MonitoringConfig monitoring) {
      monitoring.alertWebhook().ifPresent(url -> notifiers.add(new WebhookNotifier(url)));
      if (!monitoring.alertEmail().isEmpty()) {
        notifiers.add(new EmailNotifier(monitoring.smtp(), monitoring.alertEmail()));
      }
    }

    @Override
    public void accept(Anomaly anomaly) {
      for (Consumer<Anomaly> notifier : notifiers) {
        try {
          notifier.accept(anomaly);
        } catch (RuntimeException e) {
          failures.add(e);
        }
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
    Notifiers notifiers = new Notifiers(MonitoringConfig.of(config));
    AnomalyMonitor monitor =
        new AnomalyMonitor(
            context.service(MetadataStore.class).dataSource(),
            new SeasonalDetector(settings),
            notifiers);
    int hours = context.parameters().get(HOURS);
    AnomalyMonitor.Report report = monitor.check(hours, settings.weeks(), context.progress());
    // Every alert is recorded and sent where it could be; a notifier that failed fails the run.
    notifiers.raiseFailures();
    return new JobResult(
        report.series(),
        report.raised().size(),
        Map.of(
            "hours", (long) hours,
            "series", (long) report.series(),
            "anomalies", (long) report.anomalies().size(),
            "alerts_raised", (long) report.raised().size()));
  }
}
