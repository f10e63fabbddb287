package dev.adlake.cli;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.run.JobRunner;
import dev.adlake.spark.Platform;
import dev.adlake.spark.reporting.AdMetricsJob;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake metrics}: rolls up the hours of new loads into the lake and the serving store. */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Build the hourly ad metrics the API and dashboard serve.",
      "",
      "Rolls up the hours touched by loads committed since the last run (late events update",
      "the hours they belong to) into the lake's reporting tables, then replaces those hours",
      "in the serving store in one transaction. A run with no new loads changes nothing."
    },
    footer = {
      "",
      "Examples:",
      "  adlake metrics                 roll up what was loaded since the last run",
      "  adlake metrics --watch         keep rolling up as loads commit",
      "  adlake metrics --full          recompute every hour in the lake"
    })
final class MetricsCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;
  @Mixin MetricsEndpointOption metricsEndpoint;

  @Option(
      names = "--watch",
      description =
          "Keep running, a pass every metrics.poll-interval-seconds (default 10; Ctrl-C stops)")
  boolean watch;

  @Option(names = "--full", description = "Recompute every hour, not only those of new loads")
  boolean full;

  @Override
  public Integer call() throws InterruptedException {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (ProcessMetrics endpoint = metricsEndpoint.start(watch, console).orElse(null);
        PlatformHandle handle = new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      boolean first = true;
      do {
        if (!watch) {
          run(platform, full, console, true);
        } else {
          try {
            run(platform, full && first, console, false);
          } catch (AdlakeException e) {
            // A failed run leaves its loads pending; the next pass tries them again.
            console.line(
                "  ad-metrics failed: %s; trying again in %d s",
                e.getMessage(), config.metrics().pollIntervalSeconds());
          }
        }
        first = false;
        if (watch) {
          Thread.sleep(config.metrics().pollIntervalSeconds() * 1000L);
        }
      } while (watch);
    }
    return 0;
  }

  /**
   * Runs the ad-metrics job once and prints what it replaced.
   *
   * @param reportIdle whether to print a line when there was nothing to do
   */
  static JobRunner.Outcome run(
      Platform platform, boolean full, Console console, boolean reportIdle) {
    long started = System.nanoTime();
    JobRunner.Outcome outcome =
        platform.run(
            AdMetricsJob.NAME,
            full ? Map.of(AdMetricsJob.FULL.name(), "true") : Map.of(),
            line -> console.line("    " + line));
    Map<String, Long> figures = outcome.result().figures();
    if (reportIdle || figures.get("hours_replaced") > 0) {
      console.line(
          "  ad-metrics run %d, %.1f s: %s load(s) rolled up, %s hour(s) replaced in the serving"
              + " store",
          outcome.runId(),
          (System.nanoTime() - started) / 1e9,
          Console.count(figures.get("loads_rolled_up")),
          Console.count(figures.get("hours_replaced")));
    }
    return outcome;
  }
}
