package dev.adlake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.Folders;
import dev.adlake.generator.stream.StreamEventGenerator;
import dev.adlake.generator.stream.StreamGeneratorOptions;
import dev.adlake.generator.stream.StreamTruth;
import dev.adlake.generator.truth.StreamTruthCheck;
import dev.adlake.kafka.EventProducer;
import dev.adlake.spark.common.Pseudonymizer;
import dev.adlake.spark.ingestion.enrich.EnricherStream;
import dev.adlake.spark.ingestion.enrich.EnrichmentOptions;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;

/**
 * {@code adlake bench enrich}: events per second through the enricher with every enrichment on,
 * over a backlog in Kafka (median of several runs, each from an empty checkpoint and empty tables),
 * then the latency from produce to Iceberg commit at a steady rate. Every run is checked against
 * the generator's truth. The benchmark's topics, tables and checkpoints are its own.
 */
public final class EnrichBenchmark {
  /** The target of the issue: events per second on this machine. */
  public static final double TARGET_EVENTS_PER_SECOND = 50_000;

  /**
   * What to run.
   *
   * @param events events of the backlog (duplicates and faulty records come on top)
   * @param runs timed runs over the backlog
   * @param latencySeconds how long events are produced at the steady rate; 0 skips latency
   * @param latencyRate events per second of the latency run
   * @param trigger micro-batch interval of the latency run
   * @param workDirectory where checkpoints go
   */
  public record Options(
      long events,
      int runs,
      int latencySeconds,
      int latencyRate,
      Duration trigger,
      int maxEventsPerBatch,
      String pseudonymKey,
      Path workDirectory) {}

  /** The measured figures. */
  public record Result(
      List<Double> eventsPerSecond,
      boolean countsExact,
      long latencyEvents,
      double latencyP50Millis,
      double latencyP99Millis,
      double latencyMaxMillis) {
    public double median() {
      List<Double> sorted = eventsPerSecond.stream().sorted().toList();
      return sorted.get(sorted.size() / 2);
    }
  }

  private EnrichBenchmark() {}

  public static Result run(
      SparkSession spark, String bootstrapServers, Options options, Consumer<String> out) {
    long stamp = Instant.now().getEpochSecond();
    String prefix = "bench-enrich-" + stamp + "-";
    EnrichmentOptions enrichment =
        new EnrichmentOptions(
            true, null, true, true, true, new Pseudonymizer(options.pseudonymKey()));

    StreamEventGenerator generator =
        new StreamEventGenerator(StreamGeneratorOptions.defaults(options.events(), Instant.now()));
    EventProducer.Report sent =
        new EventProducer(bootstrapServers, 2, prefix).send(generator, 0, (done, rate) -> {});
    StreamTruth truth = generator.truth();
    out.accept(
        "backlog: %,d records (%,d distinct valid events, %,d duplicates, %,d faulty) produced to"
                .formatted(
                    sent.records(),
                    truth.total().distinctValidEvents(),
                    truth.total().duplicatesSent(),
                    truth.total().failed())
            + " %s* at %,.0f records/s".formatted(prefix + "ingested-", sent.recordsPerSecond()));

    List<Double> rates = new ArrayList<>();
    boolean exact = true;
    for (int run = 1; run <= options.runs(); run++) {
      EventsTables tables = new EventsTables("bench_enrich_%d_%d".formatted(stamp, run));
      Path checkpoint = checkpoint(options, "throughput-" + run);
      EnricherStream.Settings settings =
          new EnricherStream.Settings(
              bootstrapServers,
              prefix,
              tables,
              checkpoint.toUri(),
              enrichment,
              Duration.ofMinutes(10),
              options.maxEventsPerBatch(),
              options.trigger(),
              true);
      long started = System.nanoTime();
      await(EnricherStream.start(spark, settings));
      double seconds = (System.nanoTime() - started) / 1e9;
      double rate = sent.records() / seconds;
      rates.add(rate);
      StreamTruthCheck.Comparison comparison =
          StreamTruthCheck.compare(spark, tables.events(), tables.failedEvents(), truth);
      exact &= comparison.exact();
      out.accept(
          "run %d: %,d records in %.1f s = %,.0f events/s; counts %s"
              .formatted(
                  run,
                  sent.records(),
                  seconds,
                  rate,
                  comparison.exact()
                      ? "equal to the truth (" + comparison.figures().size() + " figures)"
                      : "NOT equal: " + comparison.differences()));
      drop(spark, tables);
    }

    long latencyEvents = 0;
    double[] latency = {Double.NaN, Double.NaN, Double.NaN};
    if (options.latencySeconds() > 0) {
      String steady = "bench-latency-" + stamp + "-";
      EventsTables tables = new EventsTables("bench_latency_" + stamp);
      EnricherStream.Settings settings =
          new EnricherStream.Settings(
              bootstrapServers,
              steady,
              tables,
              checkpoint(options, "latency").toUri(),
              enrichment,
              Duration.ofMinutes(10),
              options.maxEventsPerBatch(),
              options.trigger(),
              false);
      // Topics first, so the enricher sees them from its first batch.
      new EventProducer(bootstrapServers, 2, steady)
          .send(java.util.Collections.emptyIterator(), 0, (done, rate) -> {});
      StreamingQuery query = EnricherStream.start(spark, settings);
      StreamEventGenerator steadyEvents =
          new StreamEventGenerator(
              StreamGeneratorOptions.forDuration(
                  Duration.ofSeconds(options.latencySeconds()),
                  options.latencyRate(),
                  Instant.now()));
      out.accept(
          "latency: producing %,d events/s for %d s, micro-batch every %.1f s..."
              .formatted(
                  options.latencyRate(),
                  options.latencySeconds(),
                  options.trigger().toMillis() / 1000.0));
      EventProducer.Report steadySent =
          CompletableFuture.supplyAsync(
                  () ->
                      new EventProducer(bootstrapServers, 2, steady)
                          .send(steadyEvents, options.latencyRate(), (done, rate) -> {}))
              .join();
      long expected = steadyEvents.truth().total().distinctValidEvents();
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (spark.table(tables.events()).count() < expected && System.nanoTime() < deadline) {
        sleep(Duration.ofSeconds(1));
      }
      stop(query);
      out.accept(
          "latency: %,d records sent at %,.0f/s"
              .formatted(steadySent.records(), steadySent.recordsPerSecond()));
      Row figures = latencies(spark, tables.events());
      latencyEvents = figures.getLong(0);
      for (int i = 0; i < 3; i++) {
        latency[i] =
            figures.isNullAt(i + 1) ? Double.NaN : ((Number) figures.get(i + 1)).doubleValue();
      }
      exact &= latencyEvents == expected;
      drop(spark, tables);
    }
    return new Result(List.copyOf(rates), exact, latencyEvents, latency[0], latency[1], latency[2]);
  }

  /**
   * Per event, the time from its Kafka timestamp (set by the producer when it sent it) to the
   * commit of the Iceberg snapshot that added its data file: (events, p50, p99, max) in ms.
   */
  static Row latencies(SparkSession spark, String table) {
    var files =
        spark
            .table(table + ".entries")
            .select(col("data_file.file_path").as("file"), col("snapshot_id"));
    var snapshots = spark.table(table + ".snapshots").select("snapshot_id", "committed_at");
    return spark
        .table(table)
        .select(col("_file"), col("kafka_timestamp"))
        .join(files, col("_file").equalTo(col("file")))
        .join(snapshots, "snapshot_id")
        .select(expr("unix_millis(committed_at) - unix_millis(kafka_timestamp)").as("latency"))
        .agg(
            expr("count(*)"),
            expr("percentile(latency, 0.5)"),
            expr("percentile(latency, 0.99)"),
            expr("max(latency)"))
        .first();
  }

  private static Path checkpoint(Options options, String name) {
    Path path = options.workDirectory().resolve("bench-enrich").resolve(name);
    Folders.delete(path);
    try {
      Files.createDirectories(path.getParent());
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot create " + path.getParent(), e);
    }
    return path;
  }

  private static void drop(SparkSession spark, EventsTables tables) {
    spark.sql("DROP TABLE IF EXISTS " + tables.events() + " PURGE");
    spark.sql("DROP TABLE IF EXISTS " + tables.mappings() + " PURGE");
    spark.sql("DROP TABLE IF EXISTS " + tables.failedEvents() + " PURGE");
    spark.sql("DROP NAMESPACE IF EXISTS " + tables.namespace());
  }

  private static void await(StreamingQuery query) {
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      throw new ExternalFailureException("The enricher failed: " + e.getMessage(), e);
    }
  }

  private static void stop(StreamingQuery query) {
    try {
      query.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ExternalFailureException("The enricher did not stop: " + e.getMessage(), e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalFailureException("Interrupted while waiting for the enricher", e);
    }
  }
}
