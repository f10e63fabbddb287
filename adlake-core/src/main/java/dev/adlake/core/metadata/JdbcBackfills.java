package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The backfills in {@code adlake.backfills}. */
public final class JdbcBackfills {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "backfill_id, job_name, first_day, last_day, force, parameters::text, status";

  private final DataSource dataSource;

  public JdbcBackfills(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  /** The latest backfill of this job and range that has not succeeded, to resume. */
  public Optional<Backfill> unfinished(
      String job, LocalDate first, LocalDate last, boolean force, Map<String, String> parameters) {
    return Jdbc.query(
            dataSource,
            "read backfills",
            "SELECT "
                + COLUMNS
                + " FROM adlake.backfills WHERE job_name = ? AND first_day = ?"
                + " AND last_day = ? AND force = ? AND parameters = ?::jsonb"
                + " AND status <> 'succeeded' ORDER BY backfill_id DESC LIMIT 1",
            statement -> {
              statement.setString(1, job);
              statement.setDate(2, Date.valueOf(first));
              statement.setDate(3, Date.valueOf(last));
              statement.setBoolean(4, force);
              statement.setString(5, json(parameters));
            },
            JdbcBackfills::read)
        .stream()
        .findFirst();
  }

  public Backfill start(
      String job, LocalDate first, LocalDate last, boolean force, Map<String, String> parameters) {
    return Jdbc.query(
            dataSource,
            "record a backfill of " + job,
            "INSERT INTO adlake.backfills (job_name, first_day, last_day, force, parameters, status)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, 'running') RETURNING "
                + COLUMNS,
            statement -> {
              statement.setString(1, job);
              statement.setDate(2, Date.valueOf(first));
              statement.setDate(3, Date.valueOf(last));
              statement.setBoolean(4, force);
              statement.setString(5, json(parameters));
            },
            JdbcBackfills::read)
        .get(0);
  }

  /** Records the backfill as running again (resumed), succeeded or failed. */
  public void mark(long id, RunStatus status) {
    Jdbc.update(
        dataSource,
        "record the state of backfill " + id,
        "UPDATE adlake.backfills SET status = ?, ended_at = CASE WHEN ? = 'running' THEN NULL"
            + " ELSE now() END WHERE backfill_id = ?",
        statement -> {
          statement.setString(1, status.sql());
          statement.setString(2, status.sql());
          statement.setLong(3, id);
        });
  }

  public List<Backfill> recent(int limit) {
    return Jdbc.query(
        dataSource,
        "read backfills",
        "SELECT " + COLUMNS + " FROM adlake.backfills ORDER BY backfill_id DESC LIMIT ?",
        statement -> statement.setInt(1, limit),
        JdbcBackfills::read);
  }

  private static Backfill read(java.sql.ResultSet rows) throws java.sql.SQLException {
    try {
      return new Backfill(
          rows.getLong(1),
          rows.getString(2),
          rows.getDate(3).toLocalDate(),
          rows.getDate(4).toLocalDate(),
          rows.getBoolean(5),
          JSON.readValue(rows.getString(6), new TypeReference<Map<String, String>>() {}),
          RunStatus.fromSql(rows.getString(7)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt JSON in backfills", e);
    }
  }

  private static String json(Map<String, String> parameters) {
    try {
      return JSON.writeValueAsString(new java.util.TreeMap<>(parameters));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
