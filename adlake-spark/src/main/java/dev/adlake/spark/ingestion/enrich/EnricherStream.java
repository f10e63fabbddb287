package dev.adlake.spark.ingestion.enrich;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.udf;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.KafkaTopics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.SerializableTable;
import org.apache.iceberg.Table;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enricher: a Structured Streaming query from every {@code ingested-<source>} topic to the
 * events tables ({@value StreamTopics#MAPPING} to the mappings table; exactly once: checkpointed
 * offsets and idempotent commits, see {@link StreamCommits}) and to the {@code enriched-<source>}
 * and {@value StreamTopics#FAILED_EVENTS} topics (at least once: a batch replayed after a crash is
 * sent again; consumers deduplicate on {@code event_id}).
 *
 * <p>The query deduplicates the raw Kafka records on (source, event id) within a window of arrival
 * time, the id read by {@link DedupeKeys} without decoding the rest. Each micro-batch is then one
 * pass of {@link BatchTask}s over Spark's internal rows: enrich, write Parquet files with Iceberg's
 * writers, send JSON to the topics. The driver commits the files. No wide row is built by Spark, no
 * batch is cached, and each record is read once.
 */
public final class EnricherStream {
  /** Set to {@value #CRASH_AFTER_COMMIT} in tests to stop a batch between its two lake commits. */
  static final String CRASH_POINT_PROPERTY = "adlake.test.enricher-crash-point";

  static final String CRASH_AFTER_COMMIT = "after-commit";

  private static final Logger LOG = LoggerFactory.getLogger(EnricherStream.class);
  private static final String ARRIVAL = "arrival";
  private static final String DEDUPE_KEY = "dedupe_key";
  private static final int OUTPUT_PARTITIONS = 2;

  /**
   * Where and how the enricher runs.
   *
   * @param topicPrefix what precedes {@code ingested-}, {@code enriched-} and {@code failed-events}
   *     in topic names ("" normally; tests and benchmarks use their own)
   * @param checkpoint the query's offsets and deduplication state; the same folder (local or
   *     s3a://) resumes it
   * @param maxEventsPerBatch upper bound of records read by one micro-batch
   * @param once process what the topics hold now, then stop; else run until stopped
   */
  public record Settings(
      String bootstrapServers,
      String topicPrefix,
      EventsTables tables,
      URI checkpoint,
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
      return Pattern.quote(topicPrefix) + StreamTopics.INGESTED.pattern();
    }

    String failedTopic() {
      return topicPrefix + StreamTopics.FAILED_EVENTS;
    }

    /** The source of one of the query's {@code ingested-<source>} topics. */
    String sourceOf(String topic) {
      return StreamTopics.sourceOf(topic.substring(topicPrefix.length()));
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
   * @param mappings rows appended to the mappings table
   * @param failed rows appended to the failed-events table
   */
  public record BatchReport(
      long batchId,
      long events,
      long mappings,
      long failed,
      double seconds,
      Map<String, Long> recordsBySource,
      Map<String, Long> failedByStage) {}

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
    // Expired keys are dropped by the next batch with data; a batch without data would only
    // cost a second of planning and state commits.
    spark.conf().set("spark.sql.streaming.noDataMicroBatches.enabled", "false");
    // Deduplication reads each key once; counting the store's rows would read it again per write.
    spark.conf().set("spark.sql.streaming.stateStore.rocksdb.trackTotalNumberOfRows", "false");
    // A state partition per core: a micro-batch is a few hundred thousand rows, and each
    // partition opens, writes and commits its own store. Kept by the checkpoint once the query
    // has started.
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
            // Sources that send in transactions (the partner event ingester): an aborted file's
            // events are never enriched.
            .option("kafka.isolation.level", "read_committed")
            .option("failOnDataLoss", "true")
            .option("maxOffsetsPerTrigger", settings.maxEventsPerBatch())
            .load()
            .select("value", "topic", "partition", "offset", "timestamp");
    // Only the Kafka record and its key cross the shuffle; enrichment comes after deduplication.
    Dataset<Row> deduplicated =
        records
            .withColumn(
                DEDUPE_KEY,
                udf(new DedupeKeys(settings.topicPrefix()), DataTypes.StringType)
                    .apply(col("topic"), col("value"), col("partition"), col("offset")))
            // The batch's own time: replayed batches keep it, so deduplication replays exactly.
            .withColumn(ARRIVAL, current_timestamp())
            .withWatermark(ARRIVAL, settings.dedupeWindow().toSeconds() + " seconds")
            .dropDuplicatesWithinWatermark(DEDUPE_KEY);
    Trigger trigger =
        settings.once()
            ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(settings.triggerInterval().toMillis());
    try {
      return deduplicated
          .writeStream()
          .queryName("enricher")
          .option("checkpointLocation", settings.checkpoint().toString())
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
     * Creates the output topics of every source topic there is (brokers may not auto-create): the
     * batch's sources are among them, since its offsets were read before.
     */
    private void ensureTopics() {
      Pattern ingested = Pattern.compile(settings.ingestedPattern());
      List<String> topics = new ArrayList<>();
      topics.add(settings.failedTopic());
      for (String topic : KafkaTopics.list(settings.bootstrapServers())) {
        if (ingested.matcher(topic).matches()) {
          topics.add(settings.topicPrefix() + StreamTopics.enriched(settings.sourceOf(topic)));
        }
      }
      topics.removeIf(existingTopics::contains);
      if (!topics.isEmpty()) {
        KafkaTopics.ensure(settings.bootstrapServers(), topics, OUTPUT_PARTITIONS);
        existingTopics.addAll(topics);
      }
    }

    /** A table of the batch, and whether the batch still has to be written to it. */
    private record Target(Table table, boolean write) {}

    private Target target(SparkSession spark, String name, String queryId, long batchId) {
      Table table = StreamCommits.load(spark, name);
      return new Target(table, !StreamCommits.committed(table, queryId, batchId));
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
      SparkSession spark = batch.sparkSession();
      String queryId = spark.sparkContext().getLocalProperty("sql.streaming.queryId");
      long started = System.nanoTime();
      Steps steps = new Steps(batchId);
      List<Target> targets =
          steps.time(
              "prepare",
              () -> {
                ensureTopics();
                return List.of(
                    target(spark, settings.tables().events(), queryId, batchId),
                    target(spark, settings.tables().mappings(), queryId, batchId),
                    target(spark, settings.tables().failedEvents(), queryId, batchId));
              });
      Target events = targets.get(0);
      Target mappings = targets.get(1);
      Target failed = targets.get(2);
      JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Broadcast<Table> eventsCopy = context.broadcast(SerializableTable.copyOf(events.table()));
      Broadcast<Table> mappingsCopy = context.broadcast(SerializableTable.copyOf(mappings.table()));
      Broadcast<Table> failedCopy = context.broadcast(SerializableTable.copyOf(failed.table()));
      long eventRows;
      long mappingRows;
      long failedRows;
      Map<String, Long> bySource = new java.util.TreeMap<>();
      Map<String, Long> byStage = new java.util.TreeMap<>();
      try {
        StructType schema = batch.schema();
        BatchTask task =
            new BatchTask(
                new BatchTask.Tables(eventsCopy, mappingsCopy, failedCopy, queryId + "-" + batchId),
                new BatchTask.Writes(events.write(), mappings.write(), failed.write()),
                new BatchTask.Columns(
                    schema.fieldIndex("value"),
                    schema.fieldIndex("topic"),
                    schema.fieldIndex("partition"),
                    schema.fieldIndex("offset"),
                    schema.fieldIndex("timestamp")),
                settings.enrichment(),
                settings.topicPrefix(),
                settings.bootstrapServers(),
                settings.failedTopic());
        // One pass: each task enriches, writes data files and sends to the topics.
        List<BatchTask.Written> written =
            steps.time(
                "enrich and write",
                () -> batch.queryExecution().toRdd().toJavaRDD().mapPartitions(task).collect());
        eventRows = written.stream().mapToLong(BatchTask.Written::eventRows).sum();
        mappingRows = written.stream().mapToLong(BatchTask.Written::mappingRows).sum();
        failedRows = written.stream().mapToLong(BatchTask.Written::failedRows).sum();
        for (BatchTask.Written part : written) {
          part.recordsBySource().forEach((key, n) -> bySource.merge(key, n, Long::sum));
          part.failedByStage().forEach((key, n) -> byStage.merge(key, n, Long::sum));
        }
        steps.time(
            "commit",
            () -> {
              if (events.write()) {
                StreamCommits.append(
                    events.table(), files(written, BatchTask.Written::events), queryId, batchId);
              }
              if (CRASH_AFTER_COMMIT.equals(System.getProperty(CRASH_POINT_PROPERTY))) {
                System.clearProperty(CRASH_POINT_PROPERTY);
                throw new IllegalStateException(
                    "Test crash after the lake commit of batch %d to %s"
                        .formatted(batchId, settings.tables().events()));
              }
              if (mappings.write()) {
                StreamCommits.append(
                    mappings.table(),
                    files(written, BatchTask.Written::mappings),
                    queryId,
                    batchId);
              }
              if (failed.write()) {
                StreamCommits.append(
                    failed.table(), files(written, BatchTask.Written::failed), queryId, batchId);
              }
              return null;
            });
      } finally {
        eventsCopy.destroy();
        mappingsCopy.destroy();
        failedCopy.destroy();
      }
      reports.accept(
          new BatchReport(
              batchId,
              events.write() ? eventRows : 0,
              mappings.write() ? mappingRows : 0,
              failed.write() ? failedRows : 0,
              (System.nanoTime() - started) / 1e9,
              bySource,
              byStage));
      LOG.info(
          "Enricher {}: {} events, {} mappings, {} failed",
          steps,
          eventRows,
          mappingRows,
          failedRows);
    }

    private static List<DataFile> files(
        List<BatchTask.Written> written, Function<BatchTask.Written, List<DataFile>> table) {
      return written.stream().flatMap(task -> table.apply(task).stream()).toList();
    }
  }
}
