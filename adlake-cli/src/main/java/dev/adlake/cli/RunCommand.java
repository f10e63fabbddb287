package dev.adlake.cli;

import dev.adlake.core.job.JobResult;
import dev.adlake.core.run.JobRunner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

  @Parameters(index = "0", paramLabel = "JOB", description = "The job's name (see 'adlake jobs')")
  String job;

  @Option(
      names = {"-p", "--parameter"},
      paramLabel = "NAME=VALUE",
      description = "A job parameter; repeatable")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (PlatformHandle handle =
        new PlatformHandle(root.loadConfig(), status -> console.line("  " + status))) {
      handle.platform().jobs().get(job);
      long started = System.nanoTime();
      JobRunner.Outcome outcome =
          handle.platform().run(job, parameters, line -> console.line("    " + line));
      console.line(
          "Run %d of %s succeeded in %.1f s: %s",
          outcome.runId(), job, (System.nanoTime() - started) / 1e9, describe(outcome.result()));
    }
    return 0;
  }

  static String describe(JobResult result) {
    StringBuilder text =
        new StringBuilder(
            Console.count(result.rowsIn())
                + " rows in, "
                + Console.count(result.rowsOut())
                + " out");
    result
        .figures()
        .keySet()
        .forEach(name -> text.append(", ").append(result.describe(name)).append(' ').append(name));
    return text.toString();
  }
}
