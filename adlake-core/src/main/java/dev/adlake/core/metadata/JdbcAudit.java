package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The audit log in {@code adlake.audit_log}: every change to platform data and to access. */
public final class JdbcAudit {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One change: who, when, what on what, and its details as JSON. */
  public record Entry(
      long id, Instant at, String actor, String action, String target, String details) {}

  private final DataSource dataSource;

  public JdbcAudit(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  /** Records a change. */
  public void record(String actor, String action, String target, Map<String, ?> details) {
    String json;
    try {
      json = JSON.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Audit details are not JSON: " + details, e);
    }
    Jdbc.update(
        dataSource,
        "audit " + action + " of " + target,
        "INSERT INTO adlake.audit_log (actor, action, target, details) VALUES (?, ?, ?, ?::jsonb)",
        statement -> {
          statement.setString(1, actor);
          statement.setString(2, action);
          statement.setString(3, target);
          statement.setString(4, json);
        });
  }

  /** The latest changes first. */
  public List<Entry> recent(int limit) {
    return Jdbc.query(
        dataSource,
        "read the audit log",
        "SELECT audit_id, at, actor, action, target, details::text FROM adlake.audit_log"
            + " ORDER BY at DESC, audit_id DESC LIMIT ?",
        statement -> statement.setInt(1, limit),
        rows ->
            new Entry(
                rows.getLong(1),
                rows.getTimestamp(2).toInstant(),
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                rows.getString(6)));
  }

  /** Who runs this process, as the audit log names a person at the console. */
  public static String consoleUser() {
    return System.getProperty("user.name", "unknown") + "@" + Jdbc.hostName();
  }
}
