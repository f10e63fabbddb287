package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * The alerts in {@code adlake.alerts}: one per kind, subject and due time, however often raised.
 */
public final class JdbcAlerts {
  private final DataSource dataSource;

  public JdbcAlerts(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  /**
   * Records an alert unless the same one (kind, subject, due time) was raised before.
   *
   * @return whether it was recorded now
   */
  public boolean raise(String kind, String subject, Instant dueAt, String message) {
    return Jdbc.update(
            dataSource,
            "record an alert on " + subject,
            "INSERT INTO adlake.alerts (kind, subject, due_at, message) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (kind, subject, due_at) DO NOTHING",
            statement -> {
              statement.setString(1, kind);
              statement.setString(2, subject);
              statement.setTimestamp(3, Timestamp.from(dueAt));
              statement.setString(4, message);
            })
        == 1;
  }

  /** The most recent alerts first. */
  public List<Alert> recent(int limit) {
    return Jdbc.query(
        dataSource,
        "read alerts",
        "SELECT alert_id, kind, subject, due_at, raised_at, message FROM adlake.alerts"
            + " ORDER BY raised_at DESC, alert_id DESC LIMIT ?",
        statement -> statement.setInt(1, limit),
        rows ->
            new Alert(
                rows.getLong(1),
                rows.getString(2),
                rows.getString(3),
                rows.getTimestamp(4).toInstant(),
                rows.getTimestamp(5).toInstant(),
                rows.getString(6)));
  }
}
