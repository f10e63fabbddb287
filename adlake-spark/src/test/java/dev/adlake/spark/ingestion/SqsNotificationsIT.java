package dev.adlake.spark.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.feed.LocalLandingStore;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Discovery from S3 notifications on an SQS queue (ElasticMQ, an SQS-compatible server, in this
 * JVM): each object loaded once, an unreadable message redelivered then dead-lettered.
 */
class SqsNotificationsIT {
  private static SQSRestServer server;
  private static SqsClient client;
  private static URI endpoint;

  @BeforeAll
  static void startSqs() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    endpoint = URI.create("http://127.0.0.1:" + port);
    client =
        SqsClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
            .build();
  }

  @AfterAll
  static void stopSqs() {
    client.close();
    server.stopAndWait();
  }

  private static String notification(String key) {
    return ("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"in\"},"
            + "\"object\":{\"key\":\"%s\",\"size\":5}}}]}")
        .formatted(key);
  }

  @Test
  void notifiedObjectsLoadOnceAndUnreadableMessagesEndInTheDeadLetterQueue() throws Exception {
    String deadLetters =
        client.createQueue(request -> request.queueName("adlake-dead-letters")).queueUrl();
    String deadLetterArn =
        client
            .getQueueAttributes(
                request ->
                    request.queueUrl(deadLetters).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String queue =
        client
            .createQueue(
                request ->
                    request
                        .queueName("adlake-object-created")
                        .attributes(
                            Map.of(
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\"%s\",\"maxReceiveCount\":\"2\"}"
                                    .formatted(deadLetterArn))))
            .queueUrl();

    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("sqs-it");
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(platform.config().home()),
                Optional.empty(),
                Map.of(),
                Map.ofEntries(
                    Map.entry("landing.path", root.resolve("landing").toString()),
                    Map.entry("ingest.archive-path", root.resolve("archive").toString()),
                    Map.entry("ingest.error-path", root.resolve("error").toString()),
                    Map.entry("ingest.discovery", "sqs"),
                    Map.entry("ingest.sqs.queue-url", queue),
                    Map.entry("ingest.sqs.endpoint", endpoint.toString()),
                    Map.entry("ingest.sqs.visibility-timeout-seconds", "1"),
                    Map.entry("ingest.sqs.access-key-id", "x"),
                    Map.entry("ingest.sqs.secret-access-key", "x"),
                    Map.entry("feeds.queued.prefix", "partner/queued/"),
                    Map.entry("feeds.queued.format", "csv"),
                    Map.entry("feeds.queued.schema", "id int not null"),
                    Map.entry("feeds.queued.table", "it_queued.partner__queued")),
                root));
    Path landing = config.landing().path().resolve("partner/queued");
    Files.createDirectories(landing);
    Files.writeString(landing.resolve("a.csv"), "id\n1\n2\n");
    client.sendMessage(
        request -> request.queueUrl(queue).messageBody(notification("partner/queued/a.csv")));
    client.sendMessage(
        request -> request.queueUrl(queue).messageBody(notification("partner/queued/a.csv")));
    client.sendMessage(request -> request.queueUrl(queue).messageBody("garbage"));

    JdbcLoadLedger ledger = new JdbcLoadLedger(platform.metadata().dataSource());
    Ingestion ingestion =
        new Ingestion(
            platform.spark(),
            config,
            ledger,
            new LocalLandingStore(config.landing().path()),
            line -> {});
    try (SqsNotificationSource source = new SqsNotificationSource(config.ingest().sqs())) {
      Ingestion.Report report = ingestion.withNotifications(source).run(config.feeds());
      assertThat(report.discovered()).isEqualTo(1);
      assertThat(report.archived()).isEqualTo(1);
    }
    List<Load> loads = ledger.list(Optional.empty(), Optional.of("queued"), Optional.empty(), 10);
    assertThat(loads)
        .singleElement()
        .satisfies(load -> assertThat(load.status()).isEqualTo(LoadStatus.ARCHIVED));
    assertThat(platform.spark().table("it_queued.partner__queued").count()).isEqualTo(2);

    // The unreadable message comes back after its visibility timeout, is refused again, and
    // past the queue's maxReceiveCount lands in the dead-letter queue.
    try (SqsNotificationSource source = new SqsNotificationSource(config.ingest().sqs())) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(1200))
          .until(
              () -> {
                source.poll(Duration.ofSeconds(1));
                return !client
                    .receiveMessage(request -> request.queueUrl(deadLetters).waitTimeSeconds(0))
                    .messages()
                    .isEmpty();
              });
    }
    assertThat(ledger.list(Optional.empty(), Optional.of("queued"), Optional.empty(), 10))
        .hasSize(1);
  }
}
