package dev.adlake.cli;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.run.JobRunner;
import dev.adlake.kafka.bridge.BridgeJob;
import dev.adlake.spark.Platform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake bridge}: batches the Kafka topics of feeds into landing files. */
@Command(
    name = "bridge",
    mixinStandardHelpOptions = true,
    description = {
      "Batch the Kafka topic of each feed that names one into files of its landing prefix.",
      "",
      "A file per partition after feeds.<name>.flush-records records (default 10,000) or",
      "feeds.<name>.flush-minutes minutes (default 60), whichever comes first, named",
      "<topic>-p<partition>-o<first offset>.jsonl.gz, one record value per line; 'adlake ingest'",
      "then loads it. Offsets are committed (group adlake-bridge-<feed>) after the file is in",
      "place; after a crash the same file is written again and ingestion replaces its rows."
    },
    footer = {
      "",
      "Examples:",
      "  adlake bridge --once                 batch what the topics hold now, then stop",
      "  adlake bridge --feed tracker-events  keep batching one feed (Ctrl-C flushes)",
      "",
      "A feed batched from a topic, in adlake.yaml:",
      "  feeds:",
      "    tracker-events:",
      "      topic: enriched-tracker",
      "      prefix: stream/tracker/",
      "      format: json",
      "      flush-records: 10000",
      "      flush-minutes: 60"
    })
final class BridgeCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;
  @Mixin MetricsEndpointOption metricsEndpoint;

  @Option(names = "--feed", paramLabel = "FEED", description = "Only this feed; repeatable")
  List<String> feeds = new ArrayList<>();

  @Option(
      names = "--once",
      description = "Batch up to the topics' current ends, flush what is left and stop")
  boolean once;

  @Override
  public Integer call() throws Exception {
    AdlakeConfig config = root.loadConfig();
    List<Feed> selected =
        (feeds.isEmpty() ? config.feeds() : feeds.stream().map(config::feed).toList())
            .stream().filter(feed -> feed.topic().isPresent() || !feeds.isEmpty()).toList();
    for (Feed feed : selected) {
      if (feed.topic().isEmpty()) {
        throw new InvalidInputException(
            "Cannot bridge feed %s: it names no topic (feeds.%s.topic)"
                .formatted(feed.name(), feed.name()));
      }
    }
    if (selected.isEmpty()) {
      throw new InvalidInputException(
          "No feed is batched from a topic: declare feeds.<name>.topic (with format json) in the"
              + " configuration");
    }
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (ProcessMetrics endpoint = metricsEndpoint.start(!once, console).orElse(null);
        PlatformHandle handle = new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      long started = System.nanoTime();
      List<JobRunner.Outcome> outcomes = run(platform, selected, console);
      for (JobRunner.Outcome outcome : outcomes) {
        console.line("  run %d recorded", outcome.runId());
      }
      console.line(
          "Done in %.1f s; 'adlake ingest' loads the files", (System.nanoTime() - started) / 1e9);
    }
    return 0;
  }

  /** Runs each feed's bridge job in a thread of its own; the first failure is rethrown. */
  private List<JobRunner.Outcome> run(Platform platform, List<Feed> feeds, Console console)
      throws InterruptedException {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    List<JobRunner.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (Feed feed : feeds) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  outcomes.add(
                      platform.run(
                          BridgeJob.name(feed),
                          Map.of(JobDefinition.ONCE, String.valueOf(once)),
                          line -> console.line("  " + line)));
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, e);
                }
              },
              "adlake-bridge-" + feed.name());
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return outcomes;
  }
}
