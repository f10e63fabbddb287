package dev.adlake.server;

import dev.adlake.core.NotFoundException;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.job.Unit;
import dev.adlake.core.metadata.Run;
import dev.adlake.core.metadata.RunLedger;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/runs}: the most recent job runs of the run ledger, newest first, of every job or
 * of one. A job that the pipeline does not hold and that has no recorded run is not found.
 */
final class RunsEndpoint {
  private final RunLedger ledger;
  private final Optional<Pipeline> pipeline;

  RunsEndpoint(RunLedger ledger, Optional<Pipeline> pipeline) {
    this.ledger = ledger;
    this.pipeline = pipeline;
  }

  /**
   * One attempt of a job as the API shows it: times as ISO instants to the millisecond, null when
   * not known; the wait from ready to start and the duration (until now while running) in ms.
   */
  record RunItem(
      long id,
      String job,
      String domain,
      Map<String, String> parameters,
      String status,
      int attempt,
      Long pipelineRunId,
      Long backfillId,
      String readyAt,
      String startedAt,
      String endedAt,
      long waitedMillis,
      long durationMillis,
      Long rowsIn,
      Long rowsOut,
      Map<String, Long> figures,
      Map<String, String> units,
      String error) {
    static RunItem of(Run run) {
      return new RunItem(
          run.id(),
          run.jobName(),
          run.domain(),
          run.parameters(),
          run.status().name().toLowerCase(Locale.ROOT),
          run.attempt(),
          run.pipelineRunId().orElse(null),
          run.backfillId().orElse(null),
          run.readyAt().map(RunsEndpoint::time).orElse(null),
          time(run.startedAt()),
          run.endedAt().map(RunsEndpoint::time).orElse(null),
          run.waited().toMillis(),
          run.duration().toMillis(),
          run.rowsIn().orElse(null),
          run.rowsOut().orElse(null),
          run.figures(),
          units(run),
          run.error().orElse(null));
    }

    /** The unit of every figure, a count where the run named none. */
    private static Map<String, String> units(Run run) {
      Map<String, String> units = new LinkedHashMap<>();
      run.figures()
          .keySet()
          .forEach(name -> units.put(name, run.units().getOrDefault(name, Unit.COUNT).sqlName()));
      return units;
    }
  }

  record RunsAnswer(String job, int limit, List<RunItem> runs) {}

  Object runs(Context context) {
    int limit = ApiParameters.historyLimit(context);
    Optional<String> job =
        Optional.ofNullable(context.queryParam("job")).map(String::trim).filter(j -> !j.isEmpty());
    List<Run> runs = ledger.recent(job, limit);
    if (job.isPresent() && runs.isEmpty() && pipeline.isPresent()) {
      List<String> jobs = pipeline.get().order().stream().map(JobDefinition::name).toList();
      if (!jobs.contains(job.get())) {
        throw new NotFoundException(
            "No job named '%s': the pipeline has no such job and no run of it is recorded; jobs: %s"
                .formatted(job.get(), String.join(", ", jobs)));
      }
    }
    return new RunsAnswer(job.orElse(null), limit, runs.stream().map(RunItem::of).toList());
  }

  /** An instant as the API writes it: ISO-8601 in UTC, to the millisecond. */
  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
