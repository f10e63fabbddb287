package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.LoadMode;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.core.run.JobRunner;
import dev.adlake.spark.Platform;
import dev.adlake.spark.ingestion.IngestJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake ingest}: loads every new file of the feeds, once, tracked in the load ledger. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Load every new file in the landing zone into its feed's table, once.",
      "",
      "Each file is recorded in the load ledger, loaded in one Iceberg commit, then moved to",
      "the archive folder (or, failed, to the error folder). Files under no feed are reported",
      "and left alone. Several ingest processes may run at once: none loads a file another has."
    },
    footer = {
      "",
      "Examples:",
      "  adlake ingest                    every feed, once over what is waiting",
      "  adlake ingest --feed adserver-events",
      "  adlake ingest --watch            keep running, picking up files as they land",
      "  adlake ingest --feed infobase-attributes --snapshot-date 2025-10-15",
      "                                   reprocess one date of a snapshot feed",
      "  adlake loads                     what was loaded, with counts and errors"
    })
final class IngestCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;
  @Mixin MetricsEndpointOption metricsEndpoint;

  @Option(names = "--feed", paramLabel = "FEED", description = "Only this feed; repeatable")
  List<String> feeds = new ArrayList<>();

  @Option(
      names = "--watch",
      description = "Keep running and ingest files as they land (Ctrl-C stops)")
  boolean watch;

  @Option(
      names = "--snapshot-date",
      paramLabel = "YYYY-MM-DD",
      description = "For dated-snapshot feeds: load this snapshot_dt instead of the latest")
  LocalDate snapshotDate;

  @Override
  public Integer call() throws InterruptedException {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    List<Feed> selected =
        feeds.isEmpty() ? config.feeds() : feeds.stream().map(config::feed).toList();
    try (ProcessMetrics endpoint = metricsEndpoint.start(watch, console).orElse(null);
        PlatformHandle handle = new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      do {
        ingest(platform, selected, Optional.ofNullable(snapshotDate), console);
        if (watch) {
          Thread.sleep(config.ingest().pollIntervalSeconds() * 1000L);
        }
      } while (watch);
    }
    return 0;
  }

  /** Runs the ingest job of each feed and prints a line per load and a summary. */
  static void ingest(
      Platform platform, List<Feed> feeds, Optional<LocalDate> snapshotDate, Console console) {
    // Every feed's pass sees the same landing zone; the count of unowned files is the same.
    long unmatched = 0;
    for (Feed feed : feeds) {
      Map<String, String> parameters =
          feed.mode() == LoadMode.DATED_SNAPSHOT && snapshotDate.isPresent()
              ? Map.of(IngestJob.SNAPSHOT_DATE.name(), snapshotDate.get().toString())
              : Map.of();
      JobRunner.Outcome outcome =
          platform.run(IngestJob.name(feed), parameters, line -> console.line("    " + line));
      unmatched = outcome.result().figures().get("files_under_no_feed");
      count(feed, outcome.result().figures());
      describe(feed, outcome).forEach(console::line);
    }
    if (unmatched > 0) {
      console.line(
          "  %d file(s) under no feed's prefix, left alone (listed in %s)",
          unmatched, platform.config().logDirectory().resolve("adlake.log"));
    }
  }

  /** Adds a run's files and rows to the process's metrics, by feed. */
  private static void count(Feed feed, Map<String, Long> figures) {
    for (String status : new String[] {"archived", "errored"}) {
      Counter.builder("adlake.ingest.files")
          .description("Files this process loaded (archived) or failed (errored), by feed")
          .tags("feed", feed.name(), "status", status)
          .register(Metrics.globalRegistry)
          .increment(figures.getOrDefault("files_" + status, 0L));
    }
    Counter.builder("adlake.ingest.rejects")
        .description("Rows this process rejected (kept with the reason), by feed")
        .tags("feed", feed.name())
        .register(Metrics.globalRegistry)
        .increment(figures.getOrDefault("rows_rejected", 0L));
  }

  /** The lines that say what one run of a feed's ingest job did. */
  static List<String> describe(Feed feed, JobRunner.Outcome outcome) {
    List<String> lines = new ArrayList<>();
    Map<String, Long> figures = outcome.result().figures();
    if (figures.get("files_new")
            + figures.get("files_archived")
            + figures.get("files_errored")
            + figures.get("loads_recovered")
        > 0) {
      lines.add(
          "  %-24s %s new file(s), %s archived, %s errored; %s rows in, %s written, %s rejected (run %d)"
              .formatted(
                  feed.name(),
                  figures.get("files_new"),
                  figures.get("files_archived"),
                  figures.get("files_errored"),
                  Console.count(outcome.result().rowsIn()),
                  Console.count(outcome.result().rowsOut()),
                  Console.count(figures.get("rows_rejected")),
                  outcome.runId()));
    }
    if (figures.get("files_already_loaded") > 0) {
      lines.add(
          "  %-24s %d file(s) left in place: already loaded (same key, size and time)"
              .formatted(feed.name(), figures.get("files_already_loaded")));
    }
    if (figures.get("files_already_errored") > 0) {
      lines.add(
          ("  %-24s %d file(s) left in place: they errored before; see 'adlake loads --status"
                  + " errored', fix the cause, then 'adlake loads retry'")
              .formatted(feed.name(), figures.get("files_already_errored")));
    }
    return lines;
  }

  /** "archived 121, errored 1" for the loads of the feeds. */
  static String byStatus(Platform platform) {
    Map<LoadStatus, Long> counts = platform.loads().countByStatus(Optional.empty());
    return counts.entrySet().stream()
        .map(entry -> entry.getKey().sql() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }
}
