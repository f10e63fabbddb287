package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.generator.stream.StreamEventGenerator;
import dev.adlake.generator.stream.StreamGeneratorOptions;
import dev.adlake.generator.stream.StreamTruth;
import dev.adlake.generator.truth.StreamTruthCheck;
import dev.adlake.kafka.EventProducer;
import dev.adlake.spark.Platform;
import dev.adlake.spark.common.PseudonymKey;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The quickstart's event streams: a few minutes of generated traffic sent through Kafka before the
 * pipeline runs, then what the enricher and the archive made of it, counts per topic and table and
 * the check against the generator's truth.
 */
final class StreamsStep {
  private StreamsStep() {}

  /** Traffic sent to Kafka, with its true answers. */
  record Sent(StreamTruth truth, Instant from) {}

  /** Makes the pseudonym key if the home has none, then sends the traffic to the topics. */
  static Sent produce(Platform platform, Console console, Duration traffic, int eventsPerSecond) {
    AdlakeConfig config = platform.config();
    if (PseudonymKey.generateIfMissing(config)) {
      console.line(
          "  made a random pseudonym key in %s (set enrich.pseudonym-key or"
              + " ADLAKE_ENRICH_PSEUDONYM_KEY to use your own)",
          PseudonymKey.generatedFile(config));
    }
    String servers = platform.kafkaBootstrapServers();
    Instant sentFrom = Instant.now();
    StreamEventGenerator generator =
        new StreamEventGenerator(
            StreamGeneratorOptions.forDuration(traffic, eventsPerSecond, sentFrom));
    EventProducer.Report sent =
        new EventProducer(servers, EventProducer.DEFAULT_PARTITIONS)
            .send(generator, 0, (done, rate) -> {});
    console.line(
        "  produced %s records (%d minutes of traffic at %,d events/s, with duplicates and faulty"
            + " records) at %s records/s",
        Console.count(sent.records()),
        traffic.toMinutes(),
        eventsPerSecond,
        Console.count(Math.round(sent.recordsPerSecond())));
    return new Sent(generator.truth(), sentFrom);
  }

  /**
   * Prints what the enricher and the archive made of the traffic, the records per topic and the
   * rows per table.
   *
   * @param archiveLines the archive job's summary, a line per topic
   * @return the comparison of this run's events with the truth
   */
  static StreamTruthCheck.Comparison report(
      Platform platform,
      Console console,
      Sent sent,
      JobRunner.Outcome enricher,
      double enricherSeconds,
      List<String> archiveLines) {
    AdlakeConfig config = platform.config();
    console.line(
        "  enricher run %d, %.1f s: %s events and %s failed records written in %s batch(es)",
        enricher.runId(),
        enricherSeconds,
        Console.count(enricher.result().figures().get("events")),
        Console.count(enricher.result().figures().get("failed")),
        Console.count(enricher.result().figures().get("batches")));
    console.line("  archive of the topics in %s:", config.archive().location());
    // The job's summary: a line per topic and its total, not its progress on the way.
    archiveLines.stream()
        .filter(line -> line.matches("\\S+ +\\d+ partition\\(s\\): .*|archived .* in [\\d.]+ s .*"))
        .forEach(line -> console.line("  " + line));

    console.line("  records per topic:");
    List<String> topics = new ArrayList<>();
    for (String source : StreamTopics.ENRICHED_SOURCES) {
      topics.add(StreamTopics.ingested(source));
      topics.add(StreamTopics.enriched(source));
    }
    topics.add(StreamTopics.FAILED_EVENTS);
    records(platform.kafkaBootstrapServers(), topics)
        .forEach((topic, count) -> console.line("    %-24s %12s", topic, Console.count(count)));
    console.line("  rows per table and source:");
    EnrichCommand.counts(platform, console);
    return StreamTruthCheck.compare(
        platform.spark(),
        EventsTables.DEFAULT.events(),
        EventsTables.DEFAULT.failedEvents(),
        sent.truth(),
        sent.from());
  }

  /** Records in each topic, from its log start to its end. */
  private static Map<String, Long> records(String servers, List<String> topics) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", servers);
    Map<String, Long> counts = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String topic : topics) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        long end =
            consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        long start =
            consumer.beginningOffsets(partitions).values().stream()
                .mapToLong(Long::longValue)
                .sum();
        counts.put(topic, end - start);
      }
    }
    return counts;
  }
}
