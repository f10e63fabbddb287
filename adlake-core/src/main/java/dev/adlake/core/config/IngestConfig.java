package dev.adlake.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * How files are ingested: where loaded and failed files are moved (local folders, or {@code s3a://}
 * prefixes for an S3 landing zone), limits and polling.
 */
public record IngestConfig(
    URI archiveLocation,
    URI errorLocation,
    double maxRejectRatio,
    int pollIntervalSeconds,
    String discovery,
    String notificationsTopic,
    SqsConfig sqs,
    int splitMb,
    int batchMb,
    int batchFiles) {
  /** The SQS queue of object-created notifications, with ingest.discovery: sqs. */
  public record SqsConfig(
      java.util.Optional<String> queueUrl,
      java.util.Optional<java.net.URI> endpoint,
      String region,
      int visibilityTimeoutSeconds,
      java.util.Optional<String> accessKeyId,
      java.util.Optional<String> secretAccessKey) {}

  public static final ConfigKey<String> SQS_QUEUE_URL =
      ConfigKey.of(
          "ingest.sqs.queue-url",
          ValueType.string(),
          null,
          "URL of the SQS queue S3 sends object-created notifications to (ingest.discovery: sqs)");
  public static final ConfigKey<java.net.URI> SQS_ENDPOINT =
      ConfigKey.of(
          "ingest.sqs.endpoint",
          ValueType.uri("http", "https"),
          null,
          "SQS endpoint of an SQS-compatible server; unset: AWS");
  public static final ConfigKey<String> SQS_REGION =
      ConfigKey.of("ingest.sqs.region", ValueType.string(), "us-east-1", "SQS region");
  public static final ConfigKey<Integer> SQS_VISIBILITY_TIMEOUT =
      ConfigKey.of(
          "ingest.sqs.visibility-timeout-seconds",
          ValueType.integer(1, 43_200),
          "300",
          "How long a received notification stays hidden; unacknowledged, it is received again,"
              + " and after the queue's maxReceiveCount it goes to its dead-letter queue");
  public static final ConfigKey<String> SQS_ACCESS_KEY_ID =
      ConfigKey.of(
          "ingest.sqs.access-key-id",
          ValueType.string(),
          null,
          "SQS access key; unset: the AWS default credential chain");
  public static final ConfigKey<String> SQS_SECRET_ACCESS_KEY =
      ConfigKey.of(
          "ingest.sqs.secret-access-key",
          ValueType.secret(),
          null,
          "SQS secret key (prefer the env var); unset: the AWS default credential chain");
  public static final ConfigKey<String> DISCOVERY =
      ConfigKey.of(
          "ingest.discovery",
          ValueType.oneOf("listing", "kafka", "sqs"),
          "listing",
          "How new files are found: listing the landing zone, or object-created notifications (S3"
              + " event JSON) from a Kafka topic or an SQS queue");
  public static final ConfigKey<String> NOTIFICATIONS_TOPIC =
      ConfigKey.of(
          "ingest.notifications-topic",
          ValueType.string(),
          "adlake.object-created",
          "Kafka topic of object-created notifications, with ingest.discovery: kafka");
  public static final ConfigKey<URI> ARCHIVE_PATH =
      ConfigKey.of(
          "ingest.archive-path",
          ValueType.uri("file", "s3a"),
          "${home}/archive",
          "Folder loaded files are moved to, under their landing path; never deleted (an s3a://"
              + " prefix with an S3 landing zone: moved within S3)");
  public static final ConfigKey<URI> ERROR_PATH =
      ConfigKey.of(
          "ingest.error-path",
          ValueType.uri("file", "s3a"),
          "${home}/error",
          "Folder failed files are moved to, under their landing path; never deleted (an s3a://"
              + " prefix with an S3 landing zone: moved within S3)");
  public static final ConfigKey<Double> MAX_REJECT_RATIO =
      ConfigKey.of(
          "ingest.max-reject-ratio",
          ValueType.ratio(),
          "0.05",
          "Largest share of rejected rows a file may have and still load (per feed: max-reject-ratio)");
  public static final ConfigKey<Integer> POLL_INTERVAL_SECONDS =
      ConfigKey.of(
          "ingest.poll-interval-seconds",
          ValueType.integer(1, 3600),
          "5",
          "How often 'adlake ingest --watch' looks for new files");

  public static final ConfigKey<Integer> SPLIT_MB =
      ConfigKey.of(
          "ingest.split-mb",
          ValueType.integer(1, 2048),
          "64",
          "Uncompressed text files larger than this are parsed in line-aligned parts of this size,"
              + " one Spark task each (compressed files are one task each)");
  public static final ConfigKey<Integer> BATCH_MB =
      ConfigKey.of(
          "ingest.batch-mb",
          ValueType.integer(1, 1_048_576),
          "4096",
          "Files of an append feed loaded together in one Spark job and one commit, up to this"
              + " many megabytes");
  public static final ConfigKey<Integer> BATCH_FILES =
      ConfigKey.of(
          "ingest.batch-files",
          ValueType.integer(1, 100_000),
          "1000",
          "At most this many files of an append feed in one batch");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ARCHIVE_PATH,
        ERROR_PATH,
        MAX_REJECT_RATIO,
        POLL_INTERVAL_SECONDS,
        DISCOVERY,
        NOTIFICATIONS_TOPIC,
        SQS_QUEUE_URL,
        SQS_ENDPOINT,
        SQS_REGION,
        SQS_VISIBILITY_TIMEOUT,
        SQS_ACCESS_KEY_ID,
        SQS_SECRET_ACCESS_KEY,
        SPLIT_MB,
        BATCH_MB,
        BATCH_FILES);
  }

  static IngestConfig from(ConfigValues values) {
    return new IngestConfig(
        values.get(ARCHIVE_PATH),
        values.get(ERROR_PATH),
        values.get(MAX_REJECT_RATIO),
        values.get(POLL_INTERVAL_SECONDS),
        values.get(DISCOVERY),
        values.get(NOTIFICATIONS_TOPIC),
        new SqsConfig(
            values.find(SQS_QUEUE_URL),
            values.find(SQS_ENDPOINT),
            values.get(SQS_REGION),
            values.get(SQS_VISIBILITY_TIMEOUT),
            values.find(SQS_ACCESS_KEY_ID),
            values.find(SQS_SECRET_ACCESS_KEY)),
        values.get(SPLIT_MB),
        values.get(BATCH_MB),
        values.get(BATCH_FILES));
  }

  /**
   * The local archive folder.
   *
   * @throws dev.adlake.core.InvalidInputException when the archive is on S3
   */
  public Path archivePath() {
    return local(archiveLocation, ARCHIVE_PATH);
  }

  /**
   * The local error folder.
   *
   * @throws dev.adlake.core.InvalidInputException when it is on S3
   */
  public Path errorPath() {
    return local(errorLocation, ERROR_PATH);
  }

  private static Path local(URI location, ConfigKey<URI> key) {
    if (!"file".equals(location.getScheme())) {
      throw new dev.adlake.core.InvalidInputException(
          "%s is %s: this needs a local folder".formatted(key.name(), location));
    }
    return Path.of(location);
  }
}
