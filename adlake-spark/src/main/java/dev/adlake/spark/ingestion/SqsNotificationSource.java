package dev.adlake.spark.ingestion;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.IngestConfig;
import dev.adlake.core.feed.NotificationSource;
import dev.adlake.core.feed.ObjectCreated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;

/**
 * Object-created notifications from an SQS queue, as S3 sends them. A received message stays hidden
 * for the visibility timeout and is deleted only once its objects are recorded; an unreadable one
 * is never deleted, so the queue redelivers it and, after its maxReceiveCount, moves it to the
 * dead-letter queue of its redrive policy.
 */
public final class SqsNotificationSource implements NotificationSource {
  private final SqsClient client;
  private final String queueUrl;
  private final int visibilityTimeout;
  private final List<String> pending = new ArrayList<>();

  public SqsNotificationSource(IngestConfig.SqsConfig config) {
    SqsClientBuilder builder = SqsClient.builder().region(Region.of(config.region()));
    config.endpoint().ifPresent(builder::endpointOverride);
    if (config.accessKeyId().isPresent() && config.secretAccessKey().isPresent()) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(
                  config.accessKeyId().get(), config.secretAccessKey().get())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    this.client = builder.build();
    this.queueUrl = config.queueUrl().orElseThrow();
    this.visibilityTimeout = config.visibilityTimeoutSeconds();
  }

  @Override
  public List<NotificationSource.Message> poll(Duration wait) {
    List<NotificationSource.Message> messages = new ArrayList<>();
    List<software.amazon.awssdk.services.sqs.model.Message> received;
    try {
      received =
          client
              .receiveMessage(
                  request ->
                      request
                          .queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds((int) Math.min(20, wait.toSeconds()))
                          .visibilityTimeout(visibilityTimeout))
              .messages();
    } catch (SdkException e) {
      throw new ExternalFailureException(
          "Cannot receive notifications from %s: %s".formatted(queueUrl, e.getMessage()), e);
    }
    for (software.amazon.awssdk.services.sqs.model.Message message : received) {
      try {
        List<ObjectCreated> objects = ObjectCreated.parse(message.body());
        pending.add(message.receiptHandle());
        messages.add(new NotificationSource.Message(objects, null));
      } catch (IllegalArgumentException e) {
        messages.add(
            new NotificationSource.Message(
                List.of(),
                "SQS message %s is not an S3 event notification: %s; left for redelivery and"
                        .formatted(message.messageId(), e.getMessage())
                    + " the dead-letter queue"));
      }
    }
    return messages;
  }

  @Override
  public void acknowledge() {
    for (int start = 0; start < pending.size(); start += 10) {
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = start; i < Math.min(pending.size(), start + 10); i++) {
        entries.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(String.valueOf(i))
                .receiptHandle(pending.get(i))
                .build());
      }
      try {
        client.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
      } catch (SdkException e) {
        // Undeleted messages come back after the visibility timeout; recording twice is harmless.
        throw new ExternalFailureException(
            "Cannot acknowledge notifications on %s: %s".formatted(queueUrl, e.getMessage()), e);
      }
    }
    pending.clear();
  }

  @Override
  public void close() {
    client.close();
  }
}
