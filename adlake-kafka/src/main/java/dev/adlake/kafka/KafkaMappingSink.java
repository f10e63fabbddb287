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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Sends mapping events to a Kafka topic ({@code ingested-mapping}), one JSON record per event keyed
 * by its event id, and returns once the broker has acknowledged all of them. One producer with
 * {@link EventProducer#config}'s settings (idempotent, acks=all) is shared by every caller; a send
 * gives up after the timeout, so a request of the mapper service never hangs on a lost broker.
 */
public final class KafkaMappingSink implements MappingSink, AutoCloseable {
  /** How long a send may wait for the broker before it fails. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private final String bootstrapServers;
  private final String topic;
  private final Duration timeout;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaMappingSink(String bootstrapServers, String topic) {
    this(bootstrapServers, topic, DEFAULT_TIMEOUT);
  }

  /**
   * @param timeout the longest a send waits for topic metadata, buffer space and acknowledgements
   */
  public KafkaMappingSink(String bootstrapServers, String topic, Duration timeout) {
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
    this.topic = requireNonNull(topic, "topic is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    int millis = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    Map<String, Object> config =
        new HashMap<>(EventProducer.config(bootstrapServers, "adlake-mapper"));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    // The delivery timeout must cover linger plus one request; retries happen inside it.
    config.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        millis + (Integer) config.get(ProducerConfig.LINGER_MS_CONFIG));
    this.producer = new KafkaProducer<>(config);
  }

  /**
   * Sends the events and waits for every acknowledgement.
   *
   * @throws ExternalFailureException naming the topic, the broker and how many were acknowledged
   */
  @Override
  public void send(List<MappingEvent> events) {
    requireNonNull(events, "events is null");
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
        future.get();
        acknowledged++;
      }
    } catch (ExecutionException e) {
      throw failure(e.getCause(), acknowledged, events.size());
    } catch (KafkaException e) {
      throw failure(e, acknowledged, events.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(e, acknowledged, events.size());
    }
  }

  private ExternalFailureException failure(Throwable cause, int acknowledged, int events) {
    return new ExternalFailureException(
        "Cannot send mapping events to %s on %s: %s; %d of %d acknowledged"
            .formatted(topic, bootstrapServers, cause.getMessage(), acknowledged, events),
        cause);
  }

  /** Sends what is buffered, waiting at most the timeout, and closes the producer. */
  @Override
  public void close() {
    producer.close(timeout);
  }
}
