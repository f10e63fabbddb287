package dev.adlake.cli;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.kafka.bridge.BatchingBridge;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
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
    Path landing = config.landing().path();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      String servers = handle.platform().kafkaBootstrapServers();
      List<BatchingBridge> bridges = new ArrayList<>();
      for (Feed feed : selected) {
        bridges.add(
            BatchingBridge.start(
                feed, landing, servers, Clock.systemUTC(), line -> console.line("  " + line)));
        console.line(
            "Batching %s into %s for feed %s%s",
            feed.topic().get().topic(),
            landing.resolve(feed.prefix()),
            feed.name(),
            once ? ", up to the current end offsets" : " (Ctrl-C flushes and stops)");
      }
      CountDownLatch finished = new CountDownLatch(1);
      Thread stopOnSignal =
          new Thread(
              () -> {
                bridges.forEach(BatchingBridge::stop);
                try {
                  finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "adlake-bridge-stop");
      Runtime.getRuntime().addShutdownHook(stopOnSignal);
      long started = System.nanoTime();
      // The summary is printed before the hook is released: on Ctrl-C the JVM ends right after.
      try {
        run(bridges);
        printSummary(bridges, (System.nanoTime() - started) / 1e9, console);
      } finally {
        finished.countDown();
        ArchiveCommand.removeHook(stopOnSignal);
      }
    }
    return 0;
  }

  private static void printSummary(List<BatchingBridge> bridges, double seconds, Console console) {
    for (BatchingBridge bridge : bridges) {
      BatchingBridge.Summary summary = bridge.summary();
      console.line(
          "  %-24s %s record(s) from %s in %s file(s): %s full, %s by age or at the end",
          summary.feed(),
          Console.count(summary.records()),
          summary.topic(),
          Console.count(summary.files()),
          Console.count(summary.fullFiles()),
          Console.count(summary.timedFiles()));
    }
    console.line("Done in %.1f s; 'adlake ingest' loads the files", seconds);
  }

  /** Runs each bridge in a thread of its own; the first failure ends them all. */
  private void run(List<BatchingBridge> bridges) throws Exception {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (BatchingBridge bridge : bridges) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  if (once) {
                    bridge.runOnce();
                  } else {
                    bridge.runUntilStopped();
                  }
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, e);
                  bridges.forEach(BatchingBridge::stop);
                }
              },
              "adlake-bridge-" + bridge.feed().name());
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }
}
