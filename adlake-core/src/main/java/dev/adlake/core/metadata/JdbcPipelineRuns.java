package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The runs of pipelines in {@code adlake.pipeline_runs}. */
public final class JdbcPipelineRuns {
  private final DataSource dataSource;
  private final String host = Jdbc.hostName();

  public JdbcPipelineRuns(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  /**
   * Records a pipeline run as started.
   *
   * @param trigger why it runs: manual, schedule <name>, quickstart
   * @param selection which jobs, as people read it
   */
  public long start(String trigger, String selection, int jobs) {
    return Jdbc.query(
            dataSource,
            "record the start of a pipeline run",
            "INSERT INTO adlake.pipeline_runs (trigger, selection, status, jobs, host, pid)"
                + " VALUES (?, ?, 'running', ?, ?, ?) RETURNING pipeline_run_id",
            statement -> {
              statement.setString(1, trigger);
              statement.setString(2, selection);
              statement.setInt(3, jobs);
              statement.setString(4, host);
              statement.setLong(5, ProcessHandle.current().pid());
            },
            rows -> rows.getLong(1))
        .get(0);
  }

  public void finish(long id, int succeeded, int failed, int skipped) {
    Jdbc.update(
        dataSource,
        "record the end of pipeline run " + id,
        "UPDATE adlake.pipeline_runs SET status = ?, ended_at = now(), jobs_succeeded = ?,"
            + " jobs_failed = ?, jobs_skipped = ? WHERE pipeline_run_id = ? AND status = 'running'",
        statement -> {
          statement.setString(1, failed + skipped == 0 ? "succeeded" : "failed");
          statement.setInt(2, succeeded);
          statement.setInt(3, failed);
          statement.setInt(4, skipped);
          statement.setLong(5, id);
        });
  }

  public List<PipelineRun> recent(int limit) {
    return Jdbc.query(
        dataSource,
        "read pipeline runs",
        "SELECT pipeline_run_id, trigger, selection, status, started_at, ended_at, jobs,"
            + " coalesce(jobs_succeeded, 0), coalesce(jobs_failed, 0), coalesce(jobs_skipped, 0)"
            + " FROM adlake.pipeline_runs ORDER BY pipeline_run_id DESC LIMIT ?",
        statement -> statement.setInt(1, limit),
        rows ->
            new PipelineRun(
                rows.getLong(1),
                rows.getString(2),
                rows.getString(3),
                RunStatus.fromSql(rows.getString(4)),
                rows.getTimestamp(5).toInstant(),
                Optional.ofNullable(rows.getTimestamp(6)).map(Timestamp::toInstant),
                rows.getInt(7),
                rows.getInt(8),
                rows.getInt(9),
                rows.getInt(10)));
  }

  /** Marks as failed the pipeline runs of this host's processes that have ended. */
  public int failAbandoned() {
    List<long[]> running =
        Jdbc.query(
            dataSource,
            "check for abandoned pipeline runs",
            "SELECT pipeline_run_id, pid FROM adlake.pipeline_runs WHERE status = 'running' AND host = ?",
            statement -> statement.setString(1, host),
            rows -> new long[] {rows.getLong(1), rows.getLong(2)});
    int failed = 0;
    for (long[] run : running) {
      if (ProcessHandle.of(run[1]).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      failed +=
          Jdbc.update(
              dataSource,
              "mark pipeline run %d abandoned".formatted(run[0]),
              "UPDATE adlake.pipeline_runs SET status = 'failed', ended_at = now()"
                  + " WHERE pipeline_run_id = ? AND status = 'running'",
              statement -> statement.setLong(1, run[0]));
    }
    return failed;
  }
}
