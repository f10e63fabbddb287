package dev.adlake.server;

import dev.adlake.core.metadata.Alert;
import dev.adlake.core.metadata.JdbcAlerts;
import io.javalin.http.Context;
import java.util.List;

/** {@code GET /api/alerts}: the most recent alerts the platform raised, newest first. */
final class AlertsEndpoint {
  private final JdbcAlerts alerts;

  AlertsEndpoint(JdbcAlerts alerts) {
    this.alerts = alerts;
  }

  /** An alert as the API shows it, such as a job past its deadline ({@code deadline_missed}). */
  record AlertItem(
      long id, String kind, String subject, String dueAt, String raisedAt, String message) {
    static AlertItem of(Alert alert) {
      return new AlertItem(
          alert.id(),
          alert.kind(),
          alert.subject(),
          RunsEndpoint.time(alert.dueAt()),
          RunsEndpoint.time(alert.raisedAt()),
          alert.message());
    }
  }

  record AlertsAnswer(int limit, List<AlertItem> alerts) {}

  Object alerts(Context context) {
    int limit = ApiParameters.historyLimit(context);
    return new AlertsAnswer(limit, alerts.recent(limit).stream().map(AlertItem::of).toList());
  }
}
