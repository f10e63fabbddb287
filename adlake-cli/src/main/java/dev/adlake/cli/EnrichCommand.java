package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.spark.Platform;
import dev.adlake.spark.ingestion.enrich.EnricherJob;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake enrich}: the stream enricher, from the ingested topics to the events table. */
@Command(
    name = "enrich",
    mixinStandardHelpOptions = true,
    description = {
      "Enrich the events of every ingested-<source> Kafka topic.",
      "",
      "Adds geography (from the IP), device, OS, browser and a robot flag (from the user agent),",
      "host, registrable domain and UTM parameters (from the URLs); drops duplicates of an event",
      "id within enrich.dedupe-window-minutes; zeroes the IP's last octet and replaces user ids",
      "with a keyed HMAC (enrich.pseudonym-key). Writes the lake table streams.events exactly",
      "once and the enriched-<source> topics; records it cannot use go to streams.failed_events",
      "and the failed-events topic with the payload, the stage and the reason.",
      "Its checkpoint is kept under the home folder: a restart resumes where it stopped."
    },
    footer = {
      "",
      "Examples:",
      "  adlake enrich             a micro-batch every trigger-seconds, until Ctrl-C",
      "  adlake enrich --once      enrich what the topics hold now, then stop",
      "  adlake produce --events 100000 && adlake enrich --once"
    })
final class EnrichCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;
  @Mixin MetricsEndpointOption metricsEndpoint;

  @Option(names = "--once", description = "Enrich what the topics hold now, then stop")
  boolean once;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (ProcessMetrics endpoint = metricsEndpoint.start(!once, console).orElse(null);
        PlatformHandle handle = new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      JobRunner.Outcome outcome = run(platform, once, console);
      console.line(
          "  enricher run %d: %s events and %s failed records written in %s batch(es)",
          outcome.runId(),
          Console.count(outcome.result().figures().get("events")),
          Console.count(outcome.result().figures().get("failed")),
          Console.count(outcome.result().figures().get("batches")));
      if (once) {
        counts(platform, console);
      }
    }
    return 0;
  }

  /** Runs the enricher job, a line per micro-batch. */
  static JobRunner.Outcome run(Platform platform, boolean once, Console console) {
    if (!once) {
      console.line(
          "  enriching until Ctrl-C (checkpoint %s)", EnricherJob.checkpoint(platform.config()));
    }
    return platform.run(
        EnricherJob.NAME,
        Map.of(EnricherJob.ONCE.name(), String.valueOf(once)),
        line -> console.line("    " + line));
  }

  /** Prints the rows of the events tables by source. */
  static void counts(Platform platform, Console console) {
    EventsTables tables = EventsTables.DEFAULT;
    for (String table : new String[] {tables.events(), tables.failedEvents()}) {
      if (!platform.spark().catalog().tableExists(table)) {
        continue;
      }
      platform
          .spark()
          .table(table)
          .groupBy("source")
          .count()
          .orderBy("source")
          .collectAsList()
          .forEach(
              row ->
                  console.line(
                      "  %-28s %-10s %12s rows",
                      table, row.getString(0), Console.count(row.getLong(1))));
    }
    // Mappings have one source and no source column; an empty table has no line, as above.
    if (platform.spark().catalog().tableExists(tables.mappings())) {
      long mappings = platform.spark().table(tables.mappings()).count();
      if (mappings > 0) {
        console.line(
            "  %-28s %-10s %12s rows",
            tables.mappings(), StreamTopics.MAPPING, Console.count(mappings));
      }
    }
  }
}
