package dev.adlake.spark.enrich;

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
 * record, writes the rows to Parquet data files of the events and failed-events tables (committed
 * by the driver), and sends them as JSON to the output topics. Works on Spark's internal rows, so
 * no wide row is ever converted.
 */
final class BatchTask implements FlatMapFunction<Iterator<InternalRow>, BatchTask.Written> {
  /**
   * What one task wrote.
   *
   * @param events data files of the events table (none when the batch was committed before)
   * @param failed data files of the failed-events table
   */
  record Written(List<DataFile> events, List<DataFile> failed, long eventRows, long failedRows)
      implements Serializable {}

  /**
   * Where the record's fields are in the batch's rows: value (binary), topic, partition, offset and
   * timestamp (microseconds).
   */
  record Columns(int value, int topic, int partition, int offset, int timestamp)
      implements Serializable {}

  /**
   * The batch's tables, and which of them to write (not those this batch is already in).
   *
   * @param operationId names the batch's data files
   */
  record Tables(Broadcast<Table> events, Broadcast<Table> failed, String operationId)
      implements Serializable {}

  private final Tables tables;
  private final boolean writeEvents;
  private final boolean writeFailed;
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
      boolean writeEvents,
      boolean writeFailed,
      Columns columns,
      EnrichmentOptions enrichment,
      String topicPrefix,
      String bootstrapServers,
      String failedTopic) {
    this.tables = tables;
    this.writeEvents = writeEvents;
    this.writeFailed = writeFailed;
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
    Table failedTable = tables.failed().value();
    EventEnricher enricher =
        new EventEnricher(enrichment, topicPrefix, eventsTable.schema(), failedTable.schema());
    RowJson eventJson = new RowJson(eventsTable.schema());
    RowJson failedJson = new RowJson(failedTable.schema());
    Map<String, String> enrichedTopics = new HashMap<>();
    List<TableFiles> open = new ArrayList<>();
    TableFiles events = null;
    TableFiles failed = null;
    if (writeEvents) {
      events =
          new TableFiles(
              eventsTable, task.partitionId(), task.taskAttemptId(), tables.operationId());
      open.add(events);
    }
    if (writeFailed) {
      failed =
          new TableFiles(
              failedTable, task.partitionId(), task.taskAttemptId(), tables.operationId());
      open.add(failed);
    }
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    long eventRows = 0;
    long failedRows = 0;
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
        String topic;
        byte[] value;
        if (outcome.failed()) {
          failedRows++;
          if (failed != null) {
            failed.write(outcome.row());
          }
          topic = failedTopic;
          value = failedJson.write(outcome.row());
        } else {
          eventRows++;
          if (events != null) {
            events.write(outcome.row());
          }
          topic =
              enrichedTopics.computeIfAbsent(
                  (String) outcome.row().get(0),
                  source -> topicPrefix + StreamTopics.enriched(source));
          value = eventJson.write(outcome.row());
        }
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
              events == null ? List.of() : events.finish(),
              failed == null ? List.of() : failed.finish(),
              eventRows,
              failedRows);
      return List.of(written).iterator();
    } catch (RuntimeException e) {
      open.forEach(TableFiles::abort);
      throw e;
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(EventProducer.config(bootstrapServers, "adlake-enricher"));
  }
}
