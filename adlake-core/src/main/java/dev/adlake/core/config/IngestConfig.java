package dev.adlake.core.config;

import java.nio.file.Path;
import java.util.List;

/** How files are ingested: where loaded and failed files are moved, limits and polling. */
public record IngestConfig(
    Path archivePath,
    Path errorPath,
    double maxRejectRatio,
    int pollIntervalSeconds,
    String discovery,
    String notificationsTopic) {
  public static final ConfigKey<String> DISCOVERY =
      ConfigKey.of(
          "ingest.discovery",
          ValueType.oneOf("listing", "kafka"),
          "listing",
          "How new files are found: listing the landing zone, or object-created notifications (S3"
              + " event JSON) read from a Kafka topic");
  public static final ConfigKey<String> NOTIFICATIONS_TOPIC =
      ConfigKey.of(
          "ingest.notifications-topic",
          ValueType.string(),
          "adlake.object-created",
          "Kafka topic of object-created notifications, with ingest.discovery: kafka");
  public static final ConfigKey<Path> ARCHIVE_PATH =
      ConfigKey.of(
          "ingest.archive-path",
          ValueType.path(),
          "${home}/archive",
          "Folder loaded files are moved to, under their landing path; never deleted");
  public static final ConfigKey<Path> ERROR_PATH =
      ConfigKey.of(
          "ingest.error-path",
          ValueType.path(),
          "${home}/error",
          "Folder failed files are moved to, under their landing path; never deleted");
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

  static List<ConfigKey<?>> keys() {
    return List.of(
        ARCHIVE_PATH,
        ERROR_PATH,
        MAX_REJECT_RATIO,
        POLL_INTERVAL_SECONDS,
        DISCOVERY,
        NOTIFICATIONS_TOPIC);
  }

  static IngestConfig from(ConfigValues values) {
    return new IngestConfig(
        values.get(ARCHIVE_PATH),
        values.get(ERROR_PATH),
        values.get(MAX_REJECT_RATIO),
        values.get(POLL_INTERVAL_SECONDS),
        values.get(DISCOVERY),
        values.get(NOTIFICATIONS_TOPIC));
  }
}
