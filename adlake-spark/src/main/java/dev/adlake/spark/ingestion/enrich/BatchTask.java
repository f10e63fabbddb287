package dev.adlake.spark.ingestion.enrich;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.EventProducer;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One task of a micro-batch, in a single pass over its deduplicated Kafka records: enriches each
 * record, writes the rows to Parquet data files of the events, mappings and failed-events tables
 * (committed by the driver), and sends them as JSON to the output topics. Works on Spark's internal
 * rows, so no wide row is ever converted.
 */
final class BatchTask implements FlatMapFunction<Iterator<InternalRow>, BatchTask.Written> {
  /**
   * What one task wrote.
   *
   * @param events data files of the events table (none when the batch was committed before)
   * @param mappings data files of the mappings table
   * @param failed data files of the failed-events table
   */
  record Written(
      List<DataFile> events,
      List<DataFile> mappings,
      List<DataFile> failed,
      long eventRows,
      long mappingRows,
      long failedRows,
      Map<String, Long> recordsBySource,
      Map<String, Long> failedByStage)
      implements Serializable {}

  /**
   * Where the record's fields are in the batch's rows: value (binary), topic, partition, offset and
   * timestamp (microseconds).
   */
  record Columns(int value, int topic, int partition, int offset, int timestamp)
      implements Serializable {}

  /**
   * The batch's tables.
   *
   * @param operationId names the batch's data files
   */
  record Tables(
      Broadcast<Table> events,
      Broadcast<Table> mappings,
      Broadcast<Table> failed,
      String operationId)
      implements Serializable {}

  /** Which of the batch's tables to write: not those this batch is already in. */
  record Writes(boolean events, boolean mappings, boolean failed) implements Serializable {}

  private final Tables tables;
  private final Writes writes;
  private final Columns columns;
  private final EnrichmentOptions enrichment;
  private final String topicPrefix;
  private final String bootstrapServers;
  private final String failedTopic;

  /**
   * @param topicPrefix what precedes {@code enriched-<source>} in the output topics' names
   * @param failedTopic the failed-events topic
   */
  BatchTask(
      Tables tables,
      Writes writes,
      Columns columns,
      EnrichmentOptions enrichment,
      String topicPrefix,
      String bootstrapServers,
      String failedTopic) {
    this.tables = tables;
    this.writes = writes;
    this.columns = columns;
    this.enrichment = enrichment;
    this.topicPrefix = topicPrefix;
    this.bootstrapServers = bootstrapServers;
    this.failedTopic = failedTopic;
  }

  @Override
  public Iterator<Written> call(Iterator<InternalRow> rows) {
    TaskContext task = TaskContext.get();
    Table eventsTable = tables.events().value();
    Table mappingsTable = tables.mappings().value();
    Table failedTable = tables.failed().value();
    EventEnricher enricher =
        new EventEnricher(
            enrichment,
            topicPrefix,
            eventsTable.schema(),
            mappingsTable.schema(),
            failedTable.schema());
    RowJson eventJson = new RowJson(eventsTable.schema());
    RowJson mappingJson = new RowJson(mappingsTable.schema());
    RowJson failedJson = new RowJson(failedTable.schema());
    Map<String, String> enrichedTopics = new HashMap<>();
    List<TableFiles> open = new ArrayList<>();
    TableFiles events = writes.events() ? files(eventsTable, task, open) : null;
    TableFiles mappings = writes.mappings() ? files(mappingsTable, task, open) : null;
    TableFiles failed = writes.failed() ? files(failedTable, task, open) : null;
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    long eventRows = 0;
    long mappingRows = 0;
    long failedRows = 0;
    // Records by "output source" (event adserver, failed tracker) and failures by stage: the
    // enricher's metrics.
    // Counted per output and source without building a key per record (the hot loop).
    Map<EventEnricher.Output, Map<String, long[]>> bySource =
        new java.util.EnumMap<>(EventEnricher.Output.class);
    Map<String, Long> byStage = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        EventEnricher.Outcome outcome =
            enricher.process(
                row.isNullAt(columns.value()) ? null : row.getBinary(columns.value()),
                row.getUTF8String(columns.topic()).toString(),
                row.getInt(columns.partition()),
                row.getLong(columns.offset()),
                row.getLong(columns.timestamp()) / 1000);
        TableFiles files;
        RowJson json;
        switch (outcome.output()) {
          case EVENT -> {
            eventRows++;
            files = events;
            json = eventJson;
          }
          case MAPPING -> {
            mappingRows++;
            files = mappings;
            json = mappingJson;
          }
          default -> { // FAILED
            failedRows++;
            files = failed;
            json = failedJson;
          }
        }
        if (files != null) {
          files.write(outcome.row());
        }
        bySource.computeIfAbsent(outcome.output(), output -> new HashMap<>())
            .computeIfAbsent(outcome.source(), source -> new long[1])[0]++;
        if (outcome.failed()) {
          byStage.merge(String.valueOf(outcome.row().getField("stage")), 1L, Long::sum);
        }
        String topic =
            outcome.failed()
                ? failedTopic
                : enrichedTopics.computeIfAbsent(
                    outcome.source(), source -> topicPrefix + StreamTopics.enriched(source));
        byte[] value = json.write(outcome.row());
        producer.send(
            new ProducerRecord<>(topic, outcome.key().getBytes(StandardCharsets.UTF_8), value),
            (metadata, error) -> {
              if (error != null) {
                sendFailure.compareAndSet(null, error);
              }
            });
        if (sendFailure.get() != null) {
          break;
        }
      }
      producer.flush();
      if (sendFailure.get() != null) {
        throw new ExternalFailureException(
            "Cannot send enriched records to Kafka at %s: %s"
                .formatted(bootstrapServers, sendFailure.get().getMessage()),
            sendFailure.get());
      }
      Written written =
          new Written(
              finish(events),
              finish(mappings),
              finish(failed),
              eventRows,
              mappingRows,
              failedRows,
              keyed(bySource),
              byStage);
      return List.of(written).iterator();
    } catch (RuntimeException e) {
      open.forEach(TableFiles::abort);
      throw e;
    }
  }

  private TableFiles files(Table table, TaskContext task, List<TableFiles> open) {
    TableFiles files =
        new TableFiles(table, task.partitionId(), task.taskAttemptId(), tables.operationId());
    open.add(files);
    return files;
  }

  private static List<DataFile> finish(TableFiles files) {
    return files == null ? List.of() : files.finish();
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(EventProducer.config(bootstrapServers, "adlake-enricher"));
  }

  /** The counts by "output source" (event adserver), as the batch report carries them. */
  private static Map<String, Long> keyed(Map<EventEnricher.Output, Map<String, long[]>> counts) {
    Map<String, Long> keyed = new HashMap<>();
    counts.forEach(
        (output, bySource) ->
            bySource.forEach(
                (source, n) ->
                    keyed.put(
                        output.name().toLowerCase(java.util.Locale.ROOT) + " " + source, n[0])));
    return keyed;
  }
}
