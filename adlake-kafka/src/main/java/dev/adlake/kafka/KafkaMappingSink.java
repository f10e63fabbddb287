package dev.adlake.kafka;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.identity.MappingSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Sends mapping events to a Kafka topic ({@code ingested-mapping}), one JSON record per event keyed
 * by its event id, and returns once the broker has acknowledged all of them. One producer with
 * {@link EventProducer#config}'s delivery settings (idempotent, acks=all) but no linger is shared
 * by every caller; each {@link #send} has one deadline, the timeout, for all its events, so a
 * request of the mapper service never hangs on a lost broker.
 */
public final class KafkaMappingSink implements MappingSink, AutoCloseable {
  /**
   * How long one send may take, from the first record to the last acknowledgement: short, since a
   * browser waits for the pixel meanwhile.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * No linger: a caller waits for its own events, so waiting for more to batch only adds latency;
   * records that arrive while a request is in flight are still batched.
   */
  private static final int LINGER_MS = 0;

  /** The shortest timeout the producer is given, whatever the caller asks. */
  private static final int MIN_TIMEOUT_MS = 1_000;

  private final String bootstrapServers;
  private final String topic;
  private final Duration timeout;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaMappingSink(String bootstrapServers, String topic) {
    this(bootstrapServers, topic, DEFAULT_TIMEOUT);
  }

  /**
   * @param timeout the longest one {@link #send} takes: topic metadata, buffer space and every
   *     acknowledgement together
   */
  public KafkaMappingSink(String bootstrapServers, String topic, Duration timeout) {
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
    this.topic = requireNonNull(topic, "topic is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    int timeoutMs =
        (int) Math.max(MIN_TIMEOUT_MS, Math.min(Integer.MAX_VALUE - LINGER_MS, timeout.toMillis()));
    Map<String, Object> config =
        new HashMap<>(EventProducer.config(bootstrapServers, "adlake-mapper"));
    config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    // Kafka wants the delivery timeout to cover linger plus one request; retries happen inside it.
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs + LINGER_MS);
    this.producer = new KafkaProducer<>(config);
  }

  /**
   * Sends the events and waits for every acknowledgement, at most the timeout in all.
   *
   * @throws ExternalFailureException naming the topic, the broker and how many were acknowledged
   */
  @Override
  public void send(List<MappingEvent> events) {
    requireNonNull(events, "events is null");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
    int acknowledged = 0;
    try {
      for (MappingEvent event : events) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    event.eventId().getBytes(StandardCharsets.UTF_8),
                    event.toJson().getBytes(StandardCharsets.UTF_8))));
      }
      for (Future<RecordMetadata> future : sent) {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        acknowledged++;
      }
    } catch (TimeoutException e) {
      String reason = "no acknowledgement within %d ms".formatted(timeout.toMillis());
      throw failure(reason, e, acknowledged, events.size());
    } catch (ExecutionException e) {
      throw failure(e.getCause().getMessage(), e.getCause(), acknowledged, events.size());
    } catch (KafkaException e) {
      throw failure(e.getMessage(), e, acknowledged, events.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted", e, acknowledged, events.size());
    }
  }

  private ExternalFailureException failure(
      String reason, Throwable cause, int acknowledged, int events) {
    return new ExternalFailureException(
        "Cannot send mapping events to %s on %s: %s; %d of %d acknowledged"
            .formatted(topic, bootstrapServers, reason, acknowledged, events),
        cause);
  }

  /** Sends what is buffered, waiting at most the timeout, and closes the producer. */
  @Override
  public void close() {
    producer.close(timeout);
  }
}
