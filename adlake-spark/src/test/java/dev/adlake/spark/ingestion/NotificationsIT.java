package dev.adlake.spark.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.feed.LocalLandingStore;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.kafka.KafkaNotificationSource;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Discovery from S3 object-created notifications on a Kafka topic. */
class NotificationsIT {
  private static String notification(String key, long size) {
    return """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",
        "eventTime":"2026-11-22T10:00:00.000Z","s3":{"bucket":{"name":"incoming"},
        "object":{"key":"%s","size":%d,"eTag":"abc","sequencer":"0055AED6DCD90281E5"}}}]}
        """
        .formatted(key.replace(" ", "+"), size);
  }

  @Test
  void notifiedFilesAreLoadedOnceAndOthersWait() throws Exception {
    Platform platform = TestPlatform.get();
    String servers = platform.kafkaBootstrapServers();
    String topic = "object-created-" + System.nanoTime();
    KafkaTopics.ensure(servers, List.of(topic), 1);
    Path root = platform.config().home().resolve("notifications-it");
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(platform.config().home()),
                Optional.empty(),
                Map.of(),
                Map.of(
                    "landing.path", root.resolve("landing").toString(),
                    "ingest.archive-path", root.resolve("archive").toString(),
                    "ingest.error-path", root.resolve("error").toString(),
                    "ingest.discovery", "kafka",
                    "ingest.notifications-topic", topic,
                    "feeds.notified.prefix", "partner/notified/",
                    "feeds.notified.format", "csv",
                    "feeds.notified.schema", "id int not null",
                    "feeds.notified.table", "it_notified.partner__notified"),
                root));
    Path landing = config.landing().path().resolve("partner/notified");
    Files.createDirectories(landing);
    Files.writeString(landing.resolve("a.csv"), "id\n1\n2\n");
    Files.writeString(landing.resolve("b file.csv"), "id\n3\n");
    Files.writeString(landing.resolve("c.csv"), "id\n4\n");

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers", servers,
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName()))) {
      producer.send(new ProducerRecord<>(topic, notification("partner/notified/a.csv", 8)));
      producer.send(new ProducerRecord<>(topic, notification("partner/notified/b file.csv", 5)));
      producer.send(new ProducerRecord<>(topic, notification("partner/notified/b file.csv", 5)));
      producer.send(new ProducerRecord<>(topic, "not json"));
      producer.send(
          new ProducerRecord<>(topic, "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}"));
      producer.send(new ProducerRecord<>(topic, notification("partner/notified/gone.csv", 5)));
      producer.flush();
    }

    JdbcLoadLedger ledger = new JdbcLoadLedger(platform.metadata().dataSource());
    try (KafkaNotificationSource source = new KafkaNotificationSource(servers, topic)) {
      Ingestion.Report first =
          new Ingestion(
                  platform.spark(),
                  config,
                  ledger,
                  new LocalLandingStore(config.landing().path()),
                  line -> {})
              .withNotifications(source)
              .run(config.feeds());
      assertThat(first.discovered()).isEqualTo(2);
      assertThat(first.archived()).isEqualTo(2);
    }
    List<Load> loads = ledger.list(Optional.empty(), Optional.of("notified"), Optional.empty(), 10);
    assertThat(loads)
        .extracting(Load::objectKey)
        .containsExactlyInAnyOrder("partner/notified/a.csv", "partner/notified/b file.csv");
    assertThat(loads).allMatch(load -> load.status() == LoadStatus.ARCHIVED);
    // Not notified: not loaded, still waiting in the landing zone.
    assertThat(landing.resolve("c.csv")).exists();
    assertThat(platform.spark().table("it_notified.partner__notified").count()).isEqualTo(3);

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers", servers,
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName()))) {
      producer.send(new ProducerRecord<>(topic, notification("partner/notified/c.csv", 5)));
      producer.flush();
    }
    try (KafkaNotificationSource source = new KafkaNotificationSource(servers, topic)) {
      Ingestion.Report second =
          new Ingestion(
                  platform.spark(),
                  config,
                  ledger,
                  new LocalLandingStore(config.landing().path()),
                  line -> {})
              .withNotifications(source)
              .run(config.feeds());
      // Only the new notification is read: the earlier ones were acknowledged.
      assertThat(second.discovered()).isEqualTo(1);
      assertThat(second.alreadyLoaded()).isZero();
    }
    assertThat(platform.spark().table("it_notified.partner__notified").count()).isEqualTo(4);
  }
}
