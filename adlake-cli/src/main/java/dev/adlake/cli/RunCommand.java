package dev.adlake.cli;

import dev.adlake.core.job.JobResult;
import dev.adlake.core.run.JobRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake run JOB}: runs one job and records the run. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run one job, recorded with its parameters, counts and outcome.",
    footer = {
      "",
      "Examples:",
      "  adlake run ingest-adserver-events",
      "  adlake jobs          lists the jobs and their parameters"
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Mixin JobArguments target;

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (PlatformHandle handle =
        new PlatformHandle(root.loadConfig(), status -> console.line("  " + status))) {
      handle.platform().jobs().get(target.job);
      ConsoleAudit.record(
          handle.platform(), "job.run", target.job, ConsoleAudit.masked(target.parameters));
      long started = System.nanoTime();
      JobRunner.Outcome outcome =
          handle.platform().run(target.job, target.parameters, line -> console.line("    " + line));
      console.line(
          "Run %d of %s succeeded in %.1f s: %s",
          outcome.runId(),
          target.job,
          (System.nanoTime() - started) / 1e9,
          describe(outcome.result()));
    }
    return 0;
  }

  static String describe(JobResult result) {
    List<String> parts = new ArrayList<>();
    // Jobs that move no rows (maintenance, say) speak by their figures alone.
    if (result.rowsIn() != 0 || result.rowsOut() != 0 || result.figures().isEmpty()) {
      parts.add(Console.count(result.rowsIn()) + " rows in");
      parts.add(Console.count(result.rowsOut()) + " out");
    }
    result.figures().keySet().forEach(name -> parts.add(result.describe(name) + " " + name));
    return String.join(", ", parts);
  }
}
