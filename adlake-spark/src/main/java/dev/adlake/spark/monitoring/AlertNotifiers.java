package dev.adlake.spark.monitoring;

import dev.adlake.core.anomaly.AlertNotice;
import dev.adlake.core.anomaly.AlertNotifier;
import dev.adlake.core.config.MonitoringConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook and the mail, as configured ({@code monitoring.alert-webhook}, {@code
 * monitoring.alert-email}): each alert goes to every one, and one that fails (a hook down) keeps it
 * from none of the others; the first failure is thrown once all were tried, the others suppressed
 * in it.
 */
public final class AlertNotifiers implements AlertNotifier {
  private final List<AlertNotifier> notifiers;

  private AlertNotifiers(List<AlertNotifier> notifiers) {
    this.notifiers = List.copyOf(notifiers);
  }

  /** The notifiers the configuration names; none sends nothing. */
  public static AlertNotifier of(MonitoringConfig monitoring) {
    List<AlertNotifier> notifiers = new ArrayList<>();
    monitoring.alertWebhook().ifPresent(url -> notifiers.add(new WebhookNotifier(url)));
    if (!monitoring.alertEmail().isEmpty()) {
      notifiers.add(new EmailNotifier(monitoring.smtp(), monitoring.alertEmail()));
    }
    return notifiers.isEmpty() ? AlertNotifier.NONE : new AlertNotifiers(notifiers);
  }

  @Override
  public void send(AlertNotice notice) {
    RuntimeException failed = null;
    for (AlertNotifier notifier : notifiers) {
      try {
        notifier.send(notice);
      } catch (RuntimeException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
