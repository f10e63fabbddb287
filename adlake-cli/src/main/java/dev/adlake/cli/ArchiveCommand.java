package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.kafka.archive.KafkaArchiver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake archive}: keeps a raw copy of Kafka topics in the lake, by hour. */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = {
      "Keep a raw copy of Kafka topics in the lake, every record once, by hour.",
      "",
      "Records of each topic in archive.topics go, by record timestamp (UTC), to",
      "  <archive.directory>/<topic>/dt=YYYY-MM-DD/hr=HH/",
      "      <topic>-p<partition>-o<first>-<last>.jsonl.gz",
      "one JSON line per record with key, value and headers in base64.",
      "An hour gets _SUCCESS once every partition of its topic has passed it. The archive is its",
      "own record of progress: a restart, even after a kill, goes on where the files end."
    },
    footer = {
      "",
      "Examples:",
      "  adlake archive --once     archive what the topics hold now, then stop",
      "  adlake archive            keep archiving (Ctrl-C closes the files and stops)",
      "  adlake archive --set archive.topics=enriched-tracker \\",
      "      --set archive.max-file-seconds=60",
      "  zcat .adlake/warehouse/archive/enriched-tracker/dt=*/hr=*/*.jsonl.gz \\",
      "      | jq -r .value_base64 | head"
    })
final class ArchiveCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--once",
      description =
          "Archive up to the topics' current ends, close every file, mark complete hours and stop")
  boolean once;

  @Override
  public Integer call() throws InterruptedException {
    AdlakeConfig config = root.loadConfig();
    Path directory = config.archive().localDirectory();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      String servers = handle.platform().kafkaBootstrapServers();
      KafkaArchiver archiver =
          KafkaArchiver.start(
              config.archive(), servers, Clock.systemUTC(), line -> console.line("  " + line));
      console.line(
          "Archiving %s into %s%s",
          String.join(
              ", ", archiver.summary().stream().map(KafkaArchiver.TopicSummary::topic).toList()),
          directory,
          once ? ", up to the current end offsets" : " (Ctrl-C closes the files and stops)");
      CountDownLatch finished = new CountDownLatch(1);
      Thread stopOnSignal =
          new Thread(
              () -> {
                archiver.stop();
                try {
                  finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "adlake-archive-stop");
      Runtime.getRuntime().addShutdownHook(stopOnSignal);
      // The summary is printed before the hook is released: on Ctrl-C the JVM ends right after.
      try {
        if (once) {
          archiver.runOnce();
        } else {
          archiver.runUntilStopped();
        }
        printSummary(archiver, console);
      } finally {
        finished.countDown();
        removeHook(stopOnSignal);
      }
    }
    return 0;
  }

  static void printSummary(KafkaArchiver archiver, Console console) {
    double seconds = archiver.elapsedSeconds();
    for (KafkaArchiver.TopicSummary topic : archiver.summary()) {
      console.line(
          "  %-24s %d partition(s): %s record(s) in %s file(s), %s hour(s) completed%s",
          topic.topic(),
          topic.partitions(),
          Console.count(topic.records()),
          Console.count(topic.files()),
          Console.count(topic.hoursCompleted()),
          topic.lateRecords() == 0
              ? ""
              : ", %s late record(s) in hours already complete"
                  .formatted(Console.count(topic.lateRecords())));
    }
    console.line(
        "Archived %s record(s) in %.1f s (%s/s)",
        Console.count(archiver.recordsArchived()),
        seconds,
        Console.count(Math.round(archiver.recordsArchived() / Math.max(seconds, 0.001))));
  }

  static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running already.
    }
  }
}
