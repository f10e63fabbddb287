package dev.adlake.cli;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.generator.stream.FailureStage;
import dev.adlake.generator.stream.SourceTruth;
import dev.adlake.generator.stream.StreamEventGenerator;
import dev.adlake.generator.stream.StreamGeneratorOptions;
import dev.adlake.generator.stream.StreamTruth;
import dev.adlake.kafka.EventProducer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake produce}: sends synthetic events to the streams' Kafka topics, with the truth. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Send realistic synthetic events to Kafka and write their true answers.",
      "",
      "Tracker web events (page views, impressions, clicks) go to ingested-tracker",
      "as JSON, bid requests to ingested-bids as Avro single-object encoding; the",
      "topics are created when missing. Faults on purpose: records the enricher",
      "must fail (at parse, validate or enrich), valid events re-sent a few seconds",
      "later, robots among the user agents. The true answers (records, distinct",
      "valid events, failed by stage, duplicates, robots, events per country and",
      "per day) go to a JSON file.",
      "",
      "Kafka: kafka.bootstrap-servers, or an embedded broker under the home folder."
    },
    footer = {
      "",
      "Examples:",
      "  adlake produce                             100,000 events, 5,000 a second",
      "  adlake produce --events 1000000 --rate 0   a million, as fast as possible",
      "  adlake produce --fault-rate 0 --duplicate-rate 0     clean traffic",
      "  adlake produce --seed 7 --start 2026-11-23T10:00:00Z --truth truth.json"
    })
final class ProduceCommand implements Callable<Integer> {
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "Events to send, faulty ones included; re-sent duplicates come on top (default:"
              + " ${DEFAULT-VALUE})")
  long events;

  @Option(
      names = "--rate",
      paramLabel = "EVENTS/S",
      defaultValue = "" + StreamGeneratorOptions.DEFAULT_EVENTS_PER_SECOND,
      description =
          "Records sent per second, which is also the pace of event time; 0 sends as fast as"
              + " Kafka takes them, event time keeping the default pace (default:"
              + " ${DEFAULT-VALUE})")
  int rate;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "" + StreamGeneratorOptions.DEFAULT_SEED,
      description =
          "Random seed: the same seed and start give the same records (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--start",
      paramLabel = "INSTANT",
      description = "Event time of the first event, such as 2026-11-23T10:00:00Z (default: now)")
  Instant start;

  @Option(
      names = "--fault-rate",
      paramLabel = "SHARE",
      defaultValue = "" + StreamGeneratorOptions.DEFAULT_FAULT_RATE,
      description =
          "Share of events sent as records the enricher must fail (default: ${DEFAULT-VALUE})")
  double faultRate;

  @Option(
      names = "--duplicate-rate",
      paramLabel = "SHARE",
      defaultValue = "" + StreamGeneratorOptions.DEFAULT_DUPLICATE_RATE,
      description =
          "Share of valid events sent a second time, identical, 1 to 5 seconds later (default:"
              + " ${DEFAULT-VALUE})")
  double duplicateRate;

  @Option(
      names = "--bid-share",
      paramLabel = "SHARE",
      defaultValue = "" + StreamGeneratorOptions.DEFAULT_BID_SHARE,
      description = "Share of events that are bid requests (default: ${DEFAULT-VALUE})")
  double bidShare;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "" + EventProducer.DEFAULT_PARTITIONS,
      description =
          "Partitions of each topic created; existing topics keep theirs (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--truth",
      paramLabel = "FILE",
      description =
          "Where to write the expected answers as JSON (default:"
              + " <home>/streams/truth-<yyyyMMdd-HHmmss>.json)")
  Path truth;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    boolean interactive = System.console() != null;
    Console console = new Console(spec.commandLine().getOut(), interactive);
    Instant now = Instant.now();
    List<String> problems = new ArrayList<>();
    if (rate < 0) {
      problems.add("--rate is %d: give 0 (as fast as possible) or more".formatted(rate));
    }
    if (partitions < 1 || partitions > 1000) {
      problems.add("--partitions is %d: give 1 to 1000".formatted(partitions));
    }
    int pace = rate <= 0 ? StreamGeneratorOptions.DEFAULT_EVENTS_PER_SECOND : rate;
    problems.addAll(
        StreamGeneratorOptions.problems(events, pace, faultRate, duplicateRate, bidShare));
    if (!problems.isEmpty()) {
      throw new InvalidInputException("Cannot produce: " + String.join("; ", problems));
    }
    StreamGeneratorOptions options =
        new StreamGeneratorOptions(
            seed,
            events,
            pace,
            start == null ? now.truncatedTo(ChronoUnit.SECONDS) : start,
            faultRate,
            duplicateRate,
            bidShare);
    Path truthFile =
        truth != null
            ? truth.toAbsolutePath()
            : config.home().resolve("streams").resolve("truth-" + FILE_TIME.format(now) + ".json");

    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      String bootstrapServers = handle.platform().kafkaBootstrapServers();
      console.line(
          "Producing %s events to %s on %s, %s (seed %d, event time from %s)",
          Console.count(events),
          String.join(" and ", EventProducer.TOPICS),
          bootstrapServers,
          rate == 0 ? "as fast as possible" : Console.count(rate) + " a second",
          seed,
          options.start());
      StreamEventGenerator generator = new StreamEventGenerator(options);
      ProgressLine progress = new ProgressLine(console, interactive);
      EventProducer.Report report =
          new EventProducer(bootstrapServers, partitions).send(generator, rate, progress::update);
      StreamTruth expected = generator.truth();
      expected.write(truthFile);
      summarize(console, report, expected);
      console.line("  true answers: %s", truthFile);
    }
    return 0;
  }

  private static void summarize(Console console, EventProducer.Report report, StreamTruth truth) {
    console.line(
        "  Sent %s records in %s: %s records/s",
        Console.count(report.records()),
        Console.seconds(report.elapsed()),
        Console.count(Math.round(report.recordsPerSecond())));
    String format = "  %-18s %10s %15s %9s %11s %9s   %s";
    console.line(
        format,
        "topic",
        "records",
        "valid distinct",
        "failed",
        "duplicates",
        "robots",
        "failed at");
    for (Map.Entry<String, SourceTruth> source : truth.sources().entrySet()) {
      row(console, format, StreamTopics.ingested(source.getKey()), source.getValue());
    }
    row(console, format, "total", truth.total());
  }

  private static void row(Console console, String format, String name, SourceTruth truth) {
    console.line(
        format,
        name,
        Console.count(truth.recordsSent()),
        Console.count(truth.distinctValidEvents()),
        Console.count(truth.failed()),
        Console.count(truth.duplicatesSent()),
        Console.count(truth.robotEvents()),
        "parse %d, validate %d, enrich %d"
            .formatted(
                truth.failed(FailureStage.PARSE),
                truth.failed(FailureStage.VALIDATE),
                truth.failed(FailureStage.ENRICH)));
  }

  /**
   * Progress while sending: a line redrawn each second on a terminal, a line every ten seconds
   * elsewhere so that logs stay short.
   */
  private static final class ProgressLine {
    private static final long QUIET_INTERVAL_NANOS = 10_000_000_000L;
    private final Console console;
    private final boolean interactive;
    private long lastLine = System.nanoTime();

    ProgressLine(Console console, boolean interactive) {
      this.console = console;
      this.interactive = interactive;
    }

    void update(long acknowledged, double perSecond) {
      String text =
          "  %s records sent, %s/s"
              .formatted(Console.count(acknowledged), Console.count(Math.round(perSecond)));
      if (interactive) {
        console.status("\r\033[K" + text);
      } else if (System.nanoTime() - lastLine >= QUIET_INTERVAL_NANOS) {
        lastLine = System.nanoTime();
        console.line(text);
      }
    }
  }
}
