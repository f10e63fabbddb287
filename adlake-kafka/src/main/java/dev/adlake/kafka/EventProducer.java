package dev.adlake.kafka;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.stream.StreamRecord;
import dev.adlake.core.stream.StreamTopics;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends stream records to their Kafka topics at a target rate, creating the topics first, and waits
 * until the broker has acknowledged every one. The producer is tuned for throughput (lz4 batches of
 * up to 256 KiB, a 10 ms linger) and idempotent, so a retried batch is never written twice and
 * records of one key keep their order.
 */
public final class EventProducer {
  /** Partitions of a topic this producer creates. */
  public static final int DEFAULT_PARTITIONS = 2;

  /** The topics of the sources the platform produces: {@code ingested-tracker}, ... */
  public static final List<String> TOPICS =
      StreamTopics.SOURCES.stream().map(StreamTopics::ingested).toList();

  private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Receives progress about once a second while records are sent, and once at the end. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param acknowledged records the broker acknowledged so far
     * @param recordsPerSecond acknowledged records per second since the start
     */
    void update(long acknowledged, double recordsPerSecond);
  }

  /**
   * What a run sent.
   *
   * @param recordsByTopic records sent and acknowledged, by topic
   * @param elapsed from the first send to the last acknowledgement
   */
  public record Report(Map<String, Long> recordsByTopic, Duration elapsed) {
    public Report {
      recordsByTopic = Collections.unmodifiableSortedMap(new TreeMap<>(recordsByTopic));
    }

    public long records() {
      return recordsByTopic.values().stream().mapToLong(Long::longValue).sum();
    }

    public double recordsPerSecond() {
      return records() / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  private final String bootstrapServers;
  private final int partitions;
  private final String topicPrefix;

  /**
   * @param partitions partitions of each topic created; existing topics are left as they are
   */
  public EventProducer(String bootstrapServers, int partitions) {
    this(bootstrapServers, partitions, "");
  }

  /**
   * @param topicPrefix put before every topic name, so that tests and benchmarks have their own
   */
  public EventProducer(String bootstrapServers, int partitions, String topicPrefix) {
    this.topicPrefix = requireNonNull(topicPrefix, "topicPrefix is null");
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
    if (partitions < 1 || partitions > 1000) {
      throw new InvalidInputException(
          "Cannot create topics with %d partitions: give 1 to 1000".formatted(partitions));
    }
    this.partitions = partitions;
  }

  /**
   * Creates the topics that do not exist, sends every record, and returns once each is
   * acknowledged.
   *
   * @param recordsPerSecond the target rate; 0 sends as fast as the broker takes them
   * @throws ExternalFailureException when a record cannot be sent; records sent before it stay
   */
  public Report send(Iterator<StreamRecord> records, double recordsPerSecond, Progress progress) {
    requireNonNull(records, "records is null");
    requireNonNull(progress, "progress is null");
    if (!(recordsPerSecond >= 0)) {
      throw new InvalidInputException(
          "Cannot send at %s records per second: give 0 (as fast as possible) or more"
              .formatted(recordsPerSecond));
    }
    KafkaTopics.ensure(
        bootstrapServers, TOPICS.stream().map(topic -> topicPrefix + topic).toList(), partitions);

    Map<String, Long> sentByTopic = new TreeMap<>();
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long started = System.nanoTime();
    long nextProgress = started + PROGRESS_INTERVAL_NANOS;
    double nanosPerRecord = recordsPerSecond == 0 ? 0 : 1e9 / recordsPerSecond;
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config(bootstrapServers, "adlake-event-producer"))) {
      while (records.hasNext() && failure.get() == null) {
        StreamRecord record = records.next();
        if (nanosPerRecord > 0) {
          // Paced against the start, not the previous record, so pauses are caught up.
          long due = started + (long) (sent * nanosPerRecord);
          long ahead = due - System.nanoTime();
          if (ahead > 0) {
            LockSupport.parkNanos(ahead);
          }
        }
        producer.send(
            new ProducerRecord<>(topicPrefix + record.topic(), record.key(), record.value()),
            (metadata, exception) -> {
              if (exception == null) {
                acknowledged.incrementAndGet();
              } else {
                failure.compareAndSet(null, exception);
              }
            });
        sentByTopic.merge(topicPrefix + record.topic(), 1L, Long::sum);
        sent++;
        long now = System.nanoTime();
        if (now >= nextProgress) {
          nextProgress = now + PROGRESS_INTERVAL_NANOS;
          progress.update(acknowledged.get(), perSecond(acknowledged.get(), now - started));
        }
      }
      producer.flush();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    Exception cause = failure.get();
    if (cause != null) {
      throw new ExternalFailureException(
          "Cannot send events to %s: %s; %d of %d records sent were acknowledged"
              .formatted(bootstrapServers, cause.getMessage(), acknowledged.get(), sent),
          cause);
    }
    progress.update(acknowledged.get(), perSecond(acknowledged.get(), elapsed.toNanos()));
    return new Report(sentByTopic, elapsed);
  }

  /**
   * The settings of adlake's producers of event records: throughput (lz4, batches, linger) and no
   * duplicates on retry.
   */
  public static Map<String, Object> config(String bootstrapServers, String clientId) {
    return Map.ofEntries(
        Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        Map.entry(ProducerConfig.CLIENT_ID_CONFIG, clientId),
        Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
        Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5),
        Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        Map.entry(ProducerConfig.LINGER_MS_CONFIG, 10),
        Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
        Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024),
        Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class),
        Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
  }

  private static double perSecond(long count, long nanos) {
    return count / Math.max(1e-9, nanos / 1e9);
  }
}
