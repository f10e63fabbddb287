package dev.adlake.kafka;

import dev.adlake.core.ExternalFailureException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates and lists topics on a Kafka cluster. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /** Creates each topic that does not exist yet; existing ones are left as they are. */
  public static void ensure(String bootstrapServers, List<String> topics, int partitions) {
    try (Admin admin = admin(bootstrapServers)) {
      for (String topic : topics) {
        try {
          admin
              .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
              .all()
              .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new ExternalFailureException(
          "Cannot create topics %s on %s: %s".formatted(topics, bootstrapServers, e.getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalFailureException("Interrupted while creating topics " + topics, e);
    }
  }

  public static Set<String> list(String bootstrapServers) {
    try (Admin admin = admin(bootstrapServers)) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ExternalFailureException(
          "Cannot list topics on %s: %s".formatted(bootstrapServers, e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalFailureException("Interrupted while listing topics", e);
    }
  }

  private static Admin admin(String bootstrapServers) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000));
  }
}
