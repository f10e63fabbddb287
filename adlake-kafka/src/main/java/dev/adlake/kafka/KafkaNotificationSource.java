package dev.adlake.kafka;

import dev.adlake.core.feed.NotificationSource;
import dev.adlake.core.feed.ObjectCreated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Object-created notifications read from a Kafka topic by a consumer group, so that several ingest
 * processes share the partitions. Offsets are committed only when acknowledged.
 */
public final class KafkaNotificationSource implements NotificationSource {
  /** The consumer group of adlake's ingest processes. */
  public static final String GROUP = "adlake-ingest";

  private final KafkaConsumer<String, String> consumer;

  public KafkaNotificationSource(String bootstrapServers, String topic) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName()));
    consumer.subscribe(List.of(topic));
  }

  @Override
  public List<Message> poll(Duration wait) {
    List<Message> messages = new ArrayList<>();
    for (ConsumerRecord<String, String> record : consumer.poll(wait)) {
      try {
        messages.add(new Message(ObjectCreated.parse(record.value()), null));
      } catch (IllegalArgumentException e) {
        messages.add(
            new Message(
                List.of(),
                "message at %s-%d offset %d is not an S3 event notification: %s"
                    .formatted(
                        record.topic(), record.partition(), record.offset(), e.getMessage())));
      }
    }
    return messages;
  }

  @Override
  public void acknowledge() {
    consumer.commitSync();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
