package dev.adlake.cli;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ScheduleEntry;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.core.schedule.PipelineScheduler;
import dev.adlake.spark.Platform;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake scheduler}: runs the configured schedules on cron until Ctrl-C. */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline and jobs on the cron schedules of the configuration, until Ctrl-C.",
      "",
      "Schedules live in PostgreSQL (db-scheduler): start as many schedulers as you like against",
      "one database, each due run is run by one of them, and a scheduler that dies has its run",
      "taken over. Each job runs under its policy: jobs.<name>.retries, retry-backoff,",
      "retry-max-backoff, timeout, max-concurrent and deadline (an alert when missed)."
    },
    footer = {
      "",
      "In adlake.yaml:",
      "  schedules:",
      "    hourly-metrics:",
      "      cron: \"0 5 * * * *\"          # seconds first: minute 5 of every hour",
      "      job: ad-metrics",
      "    nightly:",
      "      cron: \"0 0 2 * * *\"",
      "      only: cookie-mapping         # or from: JOB; neither: the whole pipeline",
      "  jobs:",
      "    ad-metrics:",
      "      retries: 3",
      "      retry-backoff: 30s",
      "      timeout: 1h",
      "      deadline: 50m",
      "",
      "Examples:",
      "  adlake scheduler",
      "  adlake runs --alerts     deadlines missed"
    })
final class SchedulerCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;
  @Mixin MetricsEndpointOption metricsEndpoint;

  @Override
  public Integer call() throws InterruptedException {
    AdlakeConfig config = root.loadConfig();
    if (config.scheduler().schedules().isEmpty()) {
      throw new InvalidInputException(
          "No schedule is configured: declare schedules.<name>.cron and .job (or .only, .from) in"
              + " adlake.yaml; 'adlake help scheduler' shows an example");
    }
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (ProcessMetrics endpoint = metricsEndpoint.start(true, console).orElse(null);
        PlatformHandle handle = new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      String name = hostName() + "-" + ProcessHandle.current().pid();
      CountDownLatch stopped = new CountDownLatch(1);
      try (PipelineScheduler scheduler =
          new PipelineScheduler(
              platform.metadata().dataSource(),
              config.scheduler(),
              platform.pipeline(),
              platform.pipelineExecutor(),
              name,
              new PipelineScheduler.Listener() {
                @Override
                public void due(ScheduleEntry schedule, Instant dueAt) {
                  console.line(
                      "%s  %s due at %s: running %s",
                      Instant.now(), schedule.name(), dueAt, schedule.target());
                }

                @Override
                public void ended(
                    ScheduleEntry schedule, Instant dueAt, PipelineExecutor.Result result) {
                  console.line(
                      "%s  %s due at %s: pipeline run %d %s, %d succeeded, %d failed, %d skipped",
                      Instant.now(),
                      schedule.name(),
                      dueAt,
                      result.pipelineRunId(),
                      result.ok() ? "succeeded" : "failed",
                      result.succeeded().size(),
                      result.failed().size(),
                      result.skipped().size());
                  PipelineConsole.reportFailures(result, console);
                  Counter.builder("adlake.scheduler.runs")
                      .description("Pipeline runs this scheduler started, by schedule and outcome")
                      .tags(
                          "schedule",
                          schedule.name(),
                          "outcome",
                          result.ok() ? "succeeded" : "failed")
                      .register(Metrics.globalRegistry)
                      .increment();
                }
              })) {
        for (ScheduleEntry schedule : scheduler.schedules()) {
          console.line("  %-20s %-16s %s", schedule.name(), schedule.cron(), schedule.target());
        }
        scheduler.start();
        console.line(
            "Scheduler %s running %d schedule(s); Ctrl-C stops it",
            name, scheduler.schedules().size());
        Thread hook = new Thread(stopped::countDown, "adlake-scheduler-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
      }
    }
    return 0;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "adlake";
    }
  }
}
