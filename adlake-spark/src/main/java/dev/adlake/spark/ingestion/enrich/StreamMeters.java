package dev.adlake.spark.ingestion.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enricher's metrics, to Micrometer's global registry: records by source and output (event,
 * mapping, failed), failures by stage, batch durations, and the consumer lag of each ingested
 * topic's partition (the records after the batch's end offset, from Spark's progress reports).
 */
final class StreamMeters extends StreamingQueryListener
    implements Consumer<EnricherStream.BatchReport> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamMeters.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeterRegistry registry = Metrics.globalRegistry;

  /** One gauge per process: a rerun of the enricher in the same JVM rewrites its rows. */
  private static final MultiGauge LAG =
      MultiGauge.builder("adlake.consumer.lag")
          .description("Records of the topic's partition after the consumer's position")
          .baseUnit("records")
          .register(Metrics.globalRegistry);

  private final Timer batches =
      Timer.builder("adlake.enrich.batch.duration")
          .description("How long the enricher's micro-batches took, writes and commits included")
          .register(registry);
  private volatile UUID query;

  /** Follows this query's progress reports only. */
  void follow(UUID queryId) {
    this.query = queryId;
  }

  @Override
  public void accept(EnricherStream.BatchReport report) {
    batches.record(Duration.ofNanos((long) (report.seconds() * 1e9)));
    report
        .recordsBySource()
        .forEach(
            (key, n) -> {
              String[] outputAndSource = key.split(" ", 2);
              Counter.builder("adlake.enrich.records")
                  .description("Records the enricher read, by source and what they became")
                  .tags("output", outputAndSource[0], "source", outputAndSource[1])
                  .register(registry)
                  .increment(n);
            });
    report
        .failedByStage()
        .forEach(
            (stage, n) ->
                Counter.builder("adlake.enrich.failures")
                    .description(
                        "Records the enricher could not enrich, by the stage refusing them")
                    .tags("stage", stage)
                    .register(registry)
                    .increment(n));
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    if (query == null || !query.equals(event.progress().id())) {
      return;
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (SourceProgress source : event.progress().sources()) {
      try {
        for (Lag partition : lags(source.endOffset(), source.latestOffset())) {
          rows.add(
              MultiGauge.Row.of(
                  Tags.of(
                      "consumer", EnricherJob.NAME,
                      "topic", partition.topic(),
                      "partition", partition.partition()),
                  partition.records()));
        }
      } catch (java.io.IOException | RuntimeException e) {
        LOG.debug("No lag from the progress of {}", source.description(), e);
      }
    }
    LAG.register(rows, true);
  }

  /** The records of a topic's partition after the consumer's position. */
  record Lag(String topic, String partition, long records) {}

  /**
   * The lag of each partition: its latest offset less the batch's end offset (all it holds when the
   * batch has not read it); none without a latest offset.
   *
   * @param end the Kafka source's end offsets, JSON by topic and partition
   * @param latest its latest offsets, the same way
   */
  static List<Lag> lags(String end, String latest) throws java.io.IOException {
    List<Lag> lags = new ArrayList<>();
    if (end == null || latest == null) {
      return lags;
    }
    JsonNode ends = JSON.readTree(end);
    JsonNode latests = JSON.readTree(latest);
    for (Iterator<Map.Entry<String, JsonNode>> topics = latests.fields(); topics.hasNext(); ) {
      Map.Entry<String, JsonNode> topic = topics.next();
      for (Iterator<Map.Entry<String, JsonNode>> partitions = topic.getValue().fields();
          partitions.hasNext(); ) {
        Map.Entry<String, JsonNode> partition = partitions.next();
        long position = ends.path(topic.getKey()).path(partition.getKey()).asLong(0);
        lags.add(
            new Lag(
                topic.getKey(),
                partition.getKey(),
                Math.max(0, partition.getValue().asLong() - position)));
      }
    }
    return lags;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (query != null && query.equals(event.id())) {
      // No lag is known of a query that stopped.
      LAG.register(List.of(), true);
    }
  }
}
