package dev.adlake.cli;

import dev.adlake.core.metadata.Alert;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.PipelineRun;
import dev.adlake.core.metadata.Run;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake runs}: the recorded runs, newest first. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "List recorded runs, newest first, with status, timing, counts and errors.",
    footer = {
      "",
      "Examples:",
      "  adlake runs",
      "  adlake runs --job ingest-adserver-events --limit 5",
      "  adlake runs --pipelines          pipeline runs, newest first",
      "  adlake runs --pipeline 3         the attempts of pipeline run 3",
      "  adlake runs --alerts             missed deadlines"
    })
final class RunsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--job", paramLabel = "JOB", description = "Only runs of this job")
  String job;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "At most this many (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(
      names = "--pipeline",
      paramLabel = "RUN",
      description = "The job runs of this pipeline run, in the order they started")
  Long pipelineRun;

  @Option(names = "--pipelines", description = "Pipeline runs instead of job runs")
  boolean pipelines;

  @Option(names = "--alerts", description = "Alerts raised, such as missed deadlines")
  boolean alerts;

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), false);
    try (PlatformHandle handle = new PlatformHandle(root.loadConfig(), line -> {})) {
      var dataSource = handle.platform().metadata().dataSource();
      if (pipelines) {
        printPipelineRuns(new JdbcPipelineRuns(dataSource).recent(limit), console);
        return 0;
      }
      if (alerts) {
        List<Alert> raised = new JdbcAlerts(dataSource).recent(limit);
        if (raised.isEmpty()) {
          console.line("No alerts raised.");
        }
        for (Alert alert : raised) {
          console.line(
              "%s  %-16s %-24s %s",
              TIME.format(alert.raisedAt()), alert.kind(), alert.subject(), alert.message());
        }
        return 0;
      }
      List<Run> runs =
          pipelineRun != null
              ? handle.platform().runs().ofPipelineRun(pipelineRun)
              : handle.platform().runs().recent(Optional.ofNullable(job), limit);
      if (runs.isEmpty()) {
        console.line("No runs recorded yet. Try: adlake quickstart");
        return 0;
      }
      console.line(
          "%-6s %-28s %-10s %3s %-12s %-19s %7s %8s %12s %12s  %s",
          "RUN",
          "JOB",
          "STATUS",
          "TRY",
          "PART OF",
          "STARTED (UTC)",
          "WAITED",
          "SECONDS",
          "ROWS IN",
          "ROWS OUT",
          "DETAIL");
      for (Run run : runs) {
        String seconds =
            run.endedAt()
                .map(
                    end ->
                        String.format(
                            "%.1f", Duration.between(run.startedAt(), end).toMillis() / 1000.0))
                .orElse("-");
        String detail =
            run.error()
                .orElseGet(
                    () ->
                        run.figures().keySet().stream()
                            .map(name -> name + "=" + run.describe(name))
                            .reduce((a, b) -> a + " " + b)
                            .orElse(""));
        console.line(
            "%-6d %-28s %-10s %3d %-12s %-19s %7s %8s %12s %12s  %s",
            run.id(),
            run.jobName(),
            run.status().name().toLowerCase(java.util.Locale.ROOT),
            run.attempt(),
            run.pipelineRunId()
                .map(id -> "pipeline " + id)
                .or(() -> run.backfillId().map(id -> "backfill " + id))
                .orElse("-"),
            TIME.format(run.startedAt()),
            "%.1f".formatted(run.waited().toMillis() / 1000.0),
            seconds,
            run.rowsIn().map(Console::count).orElse("-"),
            run.rowsOut().map(Console::count).orElse("-"),
            detail);
      }
    }
    return 0;
  }

  private static void printPipelineRuns(List<PipelineRun> runs, Console console) {
    if (runs.isEmpty()) {
      console.line("No pipeline runs recorded yet. Try: adlake pipeline run");
      return;
    }
    console.line(
        "%-6s %-10s %-19s %8s %5s %9s %6s %7s  %s",
        "RUN",
        "STATUS",
        "STARTED (UTC)",
        "SECONDS",
        "JOBS",
        "SUCCEEDED",
        "FAILED",
        "SKIPPED",
        "TRIGGER / SELECTION");
    for (PipelineRun run : runs) {
      console.line(
          "%-6d %-10s %-19s %8s %5d %9d %6d %7d  %s / %s",
          run.id(),
          run.status().name().toLowerCase(java.util.Locale.ROOT),
          TIME.format(run.startedAt()),
          run.endedAt()
              .map(
                  end ->
                      "%.1f".formatted(Duration.between(run.startedAt(), end).toMillis() / 1000.0))
              .orElse("-"),
          run.jobs(),
          run.succeeded(),
          run.failed(),
          run.skipped(),
          run.trigger(),
          run.selection());
    }
  }
}
