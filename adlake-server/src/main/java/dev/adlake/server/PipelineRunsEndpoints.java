package dev.adlake.server;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.PipelineRun;
import dev.adlake.core.metadata.RunLedger;
import dev.adlake.server.RunsEndpoint.RunItem;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * {@code GET /api/pipeline-runs}: the most recent pipeline runs, newest first, with how their jobs
 * ended; and {@code GET /api/pipeline-runs/{id}/runs}: the job runs of one, in the order they
 * started. An id that no pipeline run has is not found.
 */
final class PipelineRunsEndpoints {
  static final String PIPELINE_RUN_EXISTS =
      "SELECT 1 FROM adlake.pipeline_runs WHERE pipeline_run_id = ?";

  private final JdbcPipelineRuns pipelineRuns;
  private final RunLedger ledger;
  private final DataSource dataSource;

  PipelineRunsEndpoints(JdbcPipelineRuns pipelineRuns, RunLedger ledger, DataSource dataSource) {
    this.pipelineRuns = pipelineRuns;
    this.ledger = ledger;
    this.dataSource = dataSource;
  }

  /** A pipeline run as the API shows it; the duration runs until now while it is running. */
  record PipelineRunItem(
      long id,
      String trigger,
      String selection,
      String status,
      String startedAt,
      String endedAt,
      long durationMillis,
      int jobs,
      int succeeded,
      int failed,
      int skipped) {
    static PipelineRunItem of(PipelineRun run) {
      return new PipelineRunItem(
          run.id(),
          run.trigger(),
          run.selection(),
          run.status().name().toLowerCase(Locale.ROOT),
          RunsEndpoint.time(run.startedAt()),
          run.endedAt().map(RunsEndpoint::time).orElse(null),
          Duration.between(run.startedAt(), run.endedAt().orElseGet(Instant::now)).toMillis(),
          run.jobs(),
          run.succeeded(),
          run.failed(),
          run.skipped());
    }
  }

  record PipelineRunsAnswer(int limit, List<PipelineRunItem> pipelineRuns) {}

  record PipelineRunRunsAnswer(long pipelineRunId, List<RunItem> runs) {}

  Object pipelineRuns(Context context) {
    int limit = ApiParameters.historyLimit(context);
    return new PipelineRunsAnswer(
        limit, pipelineRuns.recent(limit).stream().map(PipelineRunItem::of).toList());
  }

  Object runsOfPipelineRun(Context context) {
    long id = ApiParameters.idInPath(context, "id");
    List<RunItem> runs = ledger.ofPipelineRun(id).stream().map(RunItem::of).toList();
    // A pipeline run whose jobs have not started yet has no job runs, and is still found.
    if (runs.isEmpty() && !exists(id)) {
      throw new NotFoundException("No pipeline run with id %d".formatted(id));
    }
    return new PipelineRunRunsAnswer(id, runs);
  }

  private boolean exists(long id) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(PIPELINE_RUN_EXISTS)) {
      statement.setLong(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot look up pipeline run %d: %s".formatted(id, e.getMessage()), e);
    }
  }
}
