package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.metadata.Backfill;
import dev.adlake.core.run.BackfillRunner;
import dev.adlake.core.run.JobRunner;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake backfill JOB --from D --to D}: a job over a range of days, each day once. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Run a job over a range of days, in order, each day once.",
      "",
      "The job must take a 'day' parameter (see 'adlake jobs'). A day the job has already done",
      "(a succeeded run with that day) is skipped unless --force. The backfill is recorded: run",
      "the same command again after a crash and it resumes, skipping the days it did."
    },
    footer = {
      "",
      "Examples:",
      "  adlake backfill ad-metrics --from 2026-11-01 --to 2026-11-30",
      "  adlake backfill ad-metrics --from 2026-11-01 --to 2026-11-03 --force",
      "  adlake runs --job ad-metrics     the runs of each day"
    })
final class BackfillCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "JOB", description = "A job that takes a 'day' parameter")
  String job;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First day")
  LocalDate from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "YYYY-MM-DD",
      description = "Last day, included")
  LocalDate to;

  @Option(names = "--force", description = "Also run days the job has already done")
  boolean force;

  @Option(
      names = {"-p", "--parameter"},
      paramLabel = "NAME=VALUE",
      description = "Another parameter of the job, the same every day; repeatable")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      ConsoleAudit.record(
          handle.platform(),
          "job.backfill",
          job,
          Map.of("from", String.valueOf(from), "to", String.valueOf(to), "force", force));
      long started = System.nanoTime();
      int[] done = new int[1];
      Backfill backfill =
          handle
              .platform()
              .backfills()
              .run(
                  job,
                  from,
                  to,
                  force,
                  parameters,
                  new BackfillRunner.Listener() {
                    @Override
                    public void resumed(Backfill backfill, int daysDone) {
                      console.line(
                          "Resuming backfill %d of %s: %d day(s) done before it stopped",
                          backfill.id(), backfill.jobName(), daysDone);
                    }

                    @Override
                    public void started(LocalDate day) {
                      console.status("  %s running...".formatted(day));
                    }

                    @Override
                    public void progress(LocalDate day, String line) {
                      console.status("  %s: %s".formatted(day, line));
                    }

                    @Override
                    public void day(
                        LocalDate day,
                        BackfillRunner.DayState state,
                        Optional<JobRunner.Outcome> outcome) {
                      switch (state) {
                        case DONE -> {
                          done[0]++;
                          console.line(
                              "  %s  run %d: %s",
                              day,
                              outcome.orElseThrow().runId(),
                              RunCommand.describe(outcome.orElseThrow().result()));
                        }
                        case DONE_BEFORE ->
                            console.line("  %s  done before the backfill stopped", day);
                        case ALREADY_DONE ->
                            console.line(
                                "  %s  skipped: already done (--force runs it again)", day);
                      }
                    }
                  });
      console.line(
          "Backfill %d of %s from %s to %s done in %.1f s: %d day(s) run now",
          backfill.id(), job, from, to, (System.nanoTime() - started) / 1e9, done[0]);
    }
    return 0;
  }
}
