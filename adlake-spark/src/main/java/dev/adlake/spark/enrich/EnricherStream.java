package dev.adlake.spark.enrich;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.KafkaTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enricher: a Structured Streaming query from every {@code ingested-<source>} topic to the
 * events tables (exactly once: checkpointed offsets and idempotent commits, see {@link
 * StreamCommits}) and to the {@code enriched-<source>} and {@value StreamTopics#FAILED_EVENTS}
 * topics (at least once: a batch replayed after a crash is sent again; consumers deduplicate on
 * {@code event_id}). Events are deduplicated on (source, event id) within a window of arrival time.
 */
public final class EnricherStream {
  /** Set to {@value #CRASH_AFTER_COMMIT} in tests to stop a batch between the lake and Kafka. */
  static final String CRASH_POINT_PROPERTY = "adlake.test.enricher-crash-point";

  static final String CRASH_AFTER_COMMIT = "after-commit";

  private static final Logger LOG = LoggerFactory.getLogger(EnricherStream.class);
  private static final String ARRIVAL = "arrival";
  private static final int OUTPUT_PARTITIONS = 2;

  /**
   * Where and how the enricher runs.
   *
   * @param topicPrefix what precedes {@code ingested-}, {@code enriched-} and {@code failed-events}
   *     in topic names ("" normally; tests and benchmarks use their own)
   * @param checkpoint the query's offsets and deduplication state; the same folder resumes it
   * @param maxEventsPerBatch upper bound of records read by one micro-batch
   * @param once process what the topics hold now, then stop; else run until stopped
   */
  public record Settings(
      String bootstrapServers,
      String topicPrefix,
      EventsTables tables,
      Path checkpoint,
      EnrichmentOptions enrichment,
      Duration dedupeWindow,
      long maxEventsPerBatch,
      Duration triggerInterval,
      boolean once) {
    public Settings {
      requireNonNull(bootstrapServers, "bootstrapServers is null");
      requireNonNull(topicPrefix, "topicPrefix is null");
      requireNonNull(tables, "tables is null");
      requireNonNull(checkpoint, "checkpoint is null");
      requireNonNull(enrichment, "enrichment is null");
    }

    String ingestedPattern() {
      return java.util.regex.Pattern.quote(topicPrefix) + StreamTopics.INGESTED.pattern();
    }

    String failedTopic() {
      return topicPrefix + StreamTopics.FAILED_EVENTS;
    }
  }

  private EnricherStream() {}

  /** Creates the tables and starts the query; the caller awaits or stops it. */
  public static StreamingQuery start(SparkSession session, Settings settings) {
    return start(session, settings, Optional.empty());
  }

  /**
   * What one micro-batch wrote.
   *
   * @param events rows appended to the events table (0 when a replayed batch found its commit)
   * @param failed rows appended to the failed-events table
   */
  public record BatchReport(long batchId, long events, long failed, double seconds) {}

  /**
   * Creates the tables and starts the query, with a receiver of a report per micro-batch (called in
   * the batch, before it counts as done); the caller awaits or stops the query.
   */
  public static StreamingQuery start(
      SparkSession session, Settings settings, Optional<Consumer<BatchReport>> reports) {
    settings.tables().ensure(session);
    // The query's own settings, in a session of its own so that batch jobs keep theirs.
    SparkSession spark = session.newSession();
    // Deduplication state: RocksDB keeps millions of keys off the heap, and its changelog
    // checkpoints write only what a batch changed. A query keeps the provider it started with.
    spark
        .conf()
        .set(
            "spark.sql.streaming.stateStore.providerClass",
            "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    spark
        .conf()
        .set("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
    // The enriched rows are wide: the fused code that converts them is larger than the 8,000
    // bytes HotSpot compiles, and ran interpreted. Past this limit Spark runs that stage's
    // operators unfused instead, which HotSpot compiles.
    spark.conf().set("spark.sql.codegen.hugeMethodLimit", "8000");
    // A state partition per core: a micro-batch is a few hundred thousand rows, and each
    // partition writes its own files. Kept by the checkpoint once the query has started.
    spark
        .conf()
        .set(
            "spark.sql.shuffle.partitions",
            String.valueOf(Math.max(1, spark.sparkContext().defaultParallelism())));
    Dataset<Row> records =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", settings.bootstrapServers())
            .option("subscribePattern", settings.ingestedPattern())
            .option("startingOffsets", "earliest")
            .option("failOnDataLoss", "true")
            .option("maxOffsetsPerTrigger", settings.maxEventsPerBatch())
            .load()
            .select("value", "topic", "partition", "offset", "timestamp");
    Dataset<Row> enriched =
        records
            .mapPartitions(
                new EventEnricher(settings.enrichment(), settings.topicPrefix()),
                Encoders.row(EventEnricher.OUTPUT))
            // The batch's own time: replayed batches keep it, so deduplication replays exactly.
            .withColumn(ARRIVAL, current_timestamp())
            .withWatermark(ARRIVAL, settings.dedupeWindow().toSeconds() + " seconds")
            .dropDuplicatesWithinWatermark(EventEnricher.DEDUPE_KEY);
    Trigger trigger =
        settings.once()
            ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(settings.triggerInterval().toMillis());
    try {
      return enriched
          .writeStream()
          .queryName("enricher")
          .option("checkpointLocation", settings.checkpoint().toUri().toString())
          .trigger(trigger)
          .foreachBatch(new BatchWriter(settings, reports.orElse(report -> {})))
          .start();
    } catch (TimeoutException e) {
      throw new ExternalFailureException("Cannot start the enricher: " + e.getMessage(), e);
    }
  }

  /** The time each step of a micro-batch took, for the log. */
  private static final class Steps {
    private final StringBuilder text;

    Steps(long batchId) {
      text = new StringBuilder("batch ").append(batchId);
    }

    <T> T time(String step, java.util.function.Supplier<T> work) {
      long started = System.nanoTime();
      T result = work.get();
      text.append(String.format(", %s %.1f s", step, (System.nanoTime() - started) / 1e9));
      return result;
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }

  /** Writes one micro-batch to the lake (once) and to the output topics. */
  private static final class BatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final Settings settings;
    private final Consumer<BatchReport> reports;
    private final Set<String> existingTopics = ConcurrentHashMap.newKeySet();

    BatchWriter(Settings settings, Consumer<BatchReport> reports) {
      this.settings = settings;
      this.reports = reports;
    }

    /**
     * Creates the output topics of sources seen for the first time (brokers may not auto-create).
     */
    private void ensureTopics(Dataset<Row> rows) {
      List<String> topics = new ArrayList<>();
      topics.add(settings.failedTopic());
      rows.select("source").distinct().collectAsList().stream()
          .map(row -> settings.topicPrefix() + StreamTopics.enriched(row.getString(0)))
          .forEach(topics::add);
      topics.removeIf(existingTopics::contains);
      if (!topics.isEmpty()) {
        KafkaTopics.ensure(settings.bootstrapServers(), topics, OUTPUT_PARTITIONS);
        existingTopics.addAll(topics);
      }
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
      SparkSession spark = batch.sparkSession();
      String queryId = spark.sparkContext().getLocalProperty("sql.streaming.queryId");
      long started = System.nanoTime();
      Steps steps = new Steps(batchId);
      // Computed once for the four writes: a local checkpoint keeps the rows as they are, which
      // costs a fraction of the columnar cache that persist() would build.
      Dataset<Row> rows = steps.time("enrich", () -> batch.localCheckpoint(true));
      Dataset<Row> events = rows.where(col(EventEnricher.STAGE).isNull());
      Dataset<Row> failed = rows.where(col(EventEnricher.STAGE).isNotNull());
      Column[] eventColumns = columns(EventsTables.EVENT_SCHEMA.fieldNames());
      Column[] failedColumns = columns(EventsTables.FAILED_SCHEMA.fieldNames());
      long[] written = new long[2];
      steps.time(
          "lake",
          () -> {
            written[0] =
                StreamCommits.append(
                    events.select(eventColumns), settings.tables().events(), queryId, batchId);
            written[1] =
                StreamCommits.append(
                    failed.select(failedColumns),
                    settings.tables().failedEvents(),
                    queryId,
                    batchId);
            return null;
          });
      if (CRASH_AFTER_COMMIT.equals(System.getProperty(CRASH_POINT_PROPERTY))) {
        System.clearProperty(CRASH_POINT_PROPERTY);
        throw new IllegalStateException("Test crash after the lake commit of batch " + batchId);
      }
      steps.time(
          "topics",
          () -> {
            ensureTopics(rows);
            send(
                events.select(
                    col("event_id").as("key"),
                    to_json(struct(eventColumns)).as("value"),
                    concat(lit(settings.topicPrefix() + "enriched-"), col("source")).as("topic")));
            send(
                failed.select(
                    concat(
                            col("kafka_topic"),
                            lit("/"),
                            col("kafka_partition"),
                            lit("/"),
                            col("kafka_offset"))
                        .as("key"),
                    to_json(struct(failedColumns)).as("value"),
                    lit(settings.failedTopic()).as("topic")));
            return null;
          });
      reports.accept(
          new BatchReport(batchId, written[0], written[1], (System.nanoTime() - started) / 1e9));
      // Not on failure: tasks of a cancelled write may still read the blocks; Spark's cleaner
      // removes them once the rows are unreachable.
      release(rows);
      LOG.info("Enricher {}", steps);
    }

    private static void release(Dataset<Row> checkpointed) {
      if (checkpointed.queryExecution().analyzed() instanceof LogicalRDD plan) {
        plan.rdd().unpersist(false);
      }
    }

    private void send(Dataset<Row> records) {
      records
          .write()
          .format("kafka")
          .option("kafka.bootstrap.servers", settings.bootstrapServers())
          .option("kafka.compression.type", "lz4")
          .option("kafka.linger.ms", "20")
          .save();
    }

    private static Column[] columns(String[] names) {
      return Arrays.stream(names).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }
  }
}
