package dev.adlake.cli;

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
      "  adlake runs --job load-adserver-events --limit 5"
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

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), false);
    try (PlatformHandle handle = new PlatformHandle(root.loadConfig(), line -> {})) {
      List<Run> runs = handle.platform().runs().recent(Optional.ofNullable(job), limit);
      if (runs.isEmpty()) {
        console.line("No runs recorded yet. Try: adlake quickstart");
        return 0;
      }
      console.line(
          "%-6s %-28s %-10s %-19s %8s %12s %12s  %s",
          "RUN", "JOB", "STATUS", "STARTED (UTC)", "SECONDS", "ROWS IN", "ROWS OUT", "DETAIL");
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
                        run.figures().entrySet().stream()
                            .map(entry -> entry.getKey() + "=" + Console.count(entry.getValue()))
                            .reduce((a, b) -> a + " " + b)
                            .orElse(""));
        console.line(
            "%-6d %-28s %-10s %-19s %8s %12s %12s  %s",
            run.id(),
            run.jobName(),
            run.status().name().toLowerCase(java.util.Locale.ROOT),
            TIME.format(run.startedAt()),
            seconds,
            run.rowsIn().map(Console::count).orElse("-"),
            run.rowsOut().map(Console::count).orElse("-"),
            detail);
      }
    }
    return 0;
  }
}
