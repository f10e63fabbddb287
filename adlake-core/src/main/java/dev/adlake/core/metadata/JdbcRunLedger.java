package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ConflictException;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The run ledger in the {@code adlake.job_runs} table of PostgreSQL. */
public final class JdbcRunLedger implements RunLedger {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "run_id, job_name, domain, parameters::text, status, started_at, ended_at, rows_in, rows_out,"
          + " figures::text, error, attempt, pipeline_run_id, backfill_id, ready_at,"
          + " figure_units::text";

  private final DataSource dataSource;
  private final String host;

  public JdbcRunLedger(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.host = hostName();
  }

  @Override
  public long start(JobDefinition job, Map<String, String> parameters, RunStart start) {
    String sql =
        "INSERT INTO adlake.job_runs (job_name, domain, parameters, status, host, pid, attempt,"
            + " pipeline_run_id, backfill_id, ready_at)"
            + " VALUES (?, ?, ?::jsonb, 'running', ?, ?, ?, ?, ?, ?) RETURNING run_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, job.name());
      statement.setString(2, job.domain().name().toLowerCase(java.util.Locale.ROOT));
      statement.setString(3, JSON.writeValueAsString(parameters));
      statement.setString(4, host);
      statement.setLong(5, ProcessHandle.current().pid());
      statement.setInt(6, start.attempt());
      statement.setObject(7, start.pipelineRunId().orElse(null), java.sql.Types.BIGINT);
      statement.setObject(8, start.backfillId().orElse(null), java.sql.Types.BIGINT);
      statement.setTimestamp(9, start.readyAt().map(Timestamp::from).orElse(null));
      try (ResultSet keys = statement.executeQuery()) {
        keys.next();
        return keys.getLong(1);
      }
    } catch (SQLException | JsonProcessingException e) {
      throw new ExternalFailureException(
          "Cannot record the start of job %s: %s".formatted(job.name(), e.getMessage()), e);
    }
  }

  @Override
  public void succeed(long runId, JobResult result) {
    String figures;
    String units;
    try {
      figures = JSON.writeValueAsString(result.figures());
      Map<String, String> unitNames = new LinkedHashMap<>();
      result.units().forEach((name, unit) -> unitNames.put(name, unit.sqlName()));
      units = JSON.writeValueAsString(unitNames);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    end(
        runId,
        "UPDATE adlake.job_runs SET status = 'succeeded', ended_at = now(), rows_in = ?,"
            + " rows_out = ?, figures = ?::jsonb, figure_units = ?::jsonb"
            + " WHERE run_id = ? AND status = 'running'",
        statement -> {
          statement.setLong(1, result.rowsIn());
          statement.setLong(2, result.rowsOut());
          statement.setString(3, figures);
          statement.setString(4, units);
          statement.setLong(5, runId);
        });
  }

  @Override
  public void fail(long runId, String error) {
    end(
        runId,
        "UPDATE adlake.job_runs SET status = 'failed', ended_at = now(), error = ?"
            + " WHERE run_id = ? AND status = 'running'",
        statement -> {
          statement.setString(1, error);
          statement.setLong(2, runId);
        });
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private void end(long runId, String sql, Binder binder) {
    int updated;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      updated = statement.executeUpdate();
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot record the end of run %d: %s".formatted(runId, e.getMessage()), e);
    }
    if (updated != 1) {
      throw new ConflictException(
          "Cannot end run %d: it does not exist or has already ended".formatted(runId));
    }
  }

  @Override
  public int failAbandoned() {
    String select = "SELECT run_id, pid FROM adlake.job_runs WHERE status = 'running' AND host = ?";
    String update =
        "UPDATE adlake.job_runs SET status = 'failed', ended_at = now(), error = ?"
            + " WHERE run_id = ? AND status = 'running'";
    int failed = 0;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement running = connection.prepareStatement(select);
        PreparedStatement mark = connection.prepareStatement(update)) {
      running.setString(1, host);
      try (ResultSet rows = running.executeQuery()) {
        while (rows.next()) {
          long pid = rows.getLong(2);
          if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
          mark.setString(
              1, "Abandoned: process %d on %s ended before the run finished".formatted(pid, host));
          mark.setLong(2, rows.getLong(1));
          failed += mark.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot check for abandoned runs: " + e.getMessage(), e);
    }
    return failed;
  }

  @Override
  public Optional<Run> find(long runId) {
    List<Run> runs =
        query(
            "SELECT " + COLUMNS + " FROM adlake.job_runs WHERE run_id = ?",
            statement -> statement.setLong(1, runId));
    return runs.stream().findFirst();
  }

  @Override
  public List<Run> recent(Optional<String> jobName, int limit) {
    if (jobName.isPresent()) {
      return query(
          "SELECT "
              + COLUMNS
              + " FROM adlake.job_runs WHERE job_name = ?"
              + " ORDER BY started_at DESC, run_id DESC LIMIT ?",
          statement -> {
            statement.setString(1, jobName.get());
            statement.setInt(2, limit);
          });
    }
    return query(
        "SELECT " + COLUMNS + " FROM adlake.job_runs ORDER BY started_at DESC, run_id DESC LIMIT ?",
        statement -> statement.setInt(1, limit));
  }

  @Override
  public List<Run> latestFinishedOfEachJob() {
    return latestOfEachJob("status <> 'running'");
  }

  @Override
  public List<Run> latestSuccessOfEachJob() {
    return latestOfEachJob("status = 'succeeded'");
  }

  private List<Run> latestOfEachJob(String condition) {
    return query(
        "SELECT DISTINCT ON (job_name) "
            + COLUMNS
            + " FROM adlake.job_runs WHERE "
            + condition
            + " ORDER BY job_name, started_at DESC, run_id DESC",
        statement -> {});
  }

  @Override
  public List<Run> ofPipelineRun(long pipelineRunId) {
    return query(
        "SELECT " + COLUMNS + " FROM adlake.job_runs WHERE pipeline_run_id = ? ORDER BY run_id",
        statement -> statement.setLong(1, pipelineRunId));
  }

  @Override
  public List<Run> ofBackfill(long backfillId) {
    return query(
        "SELECT " + COLUMNS + " FROM adlake.job_runs WHERE backfill_id = ? ORDER BY run_id",
        statement -> statement.setLong(1, backfillId));
  }

  @Override
  public boolean running(String jobName) {
    return !query(
            "SELECT "
                + COLUMNS
                + " FROM adlake.job_runs WHERE job_name = ? AND status = 'running'"
                + " LIMIT 1",
            statement -> statement.setString(1, jobName))
        .isEmpty();
  }

  @Override
  public boolean succeededWith(String jobName, String parameter, String value) {
    String sql =
        "SELECT 1 FROM adlake.job_runs WHERE job_name = ? AND status = 'succeeded'"
            + " AND parameters ->> ? = ? LIMIT 1";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, jobName);
      statement.setString(2, parameter);
      statement.setString(3, value);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot read job runs: " + e.getMessage(), e);
    }
  }

  private List<Run> query(String sql, Binder binder) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      List<Run> runs = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          runs.add(toRun(rows));
        }
      }
      return runs;
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot read job runs: " + e.getMessage(), e);
    }
  }

  private static Run toRun(ResultSet rows) throws SQLException {
    Timestamp ended = rows.getTimestamp(7);
    long rowsIn = rows.getLong(8);
    boolean hasRowsIn = !rows.wasNull();
    long rowsOut = rows.getLong(9);
    boolean hasRowsOut = !rows.wasNull();
    return new Run(
        rows.getLong(1),
        rows.getString(2),
        rows.getString(3),
        readMap(rows.getString(4), new TypeReference<Map<String, String>>() {}),
        RunStatus.fromSql(rows.getString(5)),
        rows.getTimestamp(6).toInstant(),
        Optional.ofNullable(ended).map(Timestamp::toInstant),
        hasRowsIn ? Optional.of(rowsIn) : Optional.empty(),
        hasRowsOut ? Optional.of(rowsOut) : Optional.empty(),
        readMap(rows.getString(10), new TypeReference<Map<String, Long>>() {}),
        Optional.ofNullable(rows.getString(11)),
        rows.getInt(12),
        optionalLong(rows, 13),
        optionalLong(rows, 14),
        Optional.ofNullable(rows.getTimestamp(15)).map(Timestamp::toInstant),
        units(rows.getString(16)));
  }

  private static Map<String, Unit> units(String json) {
    Map<String, Unit> units = new LinkedHashMap<>();
    readMap(json, new TypeReference<Map<String, String>>() {})
        .forEach((name, unit) -> units.put(name, Unit.fromSql(unit)));
    return units;
  }

  private static Optional<Long> optionalLong(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? Optional.empty() : Optional.of(value);
  }

  private static <V> Map<String, V> readMap(String json, TypeReference<Map<String, V>> type) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt JSON in job_runs: " + json, e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
