package dev.adlake.core.feed;

import static java.util.Objects.requireNonNull;

/**
 * The Kafka topic a feed is batched from: {@code adlake bridge} writes the topic's record values as
 * JSON-lines files into the feed's landing prefix, a file per partition after {@code flushRecords}
 * records or {@code flushMinutes} minutes, whichever comes first.
 */
public record FeedTopic(String topic, int flushRecords, int flushMinutes) {
  /** The design's batching: 10,000 records or one hour. */
  public static final int DEFAULT_FLUSH_RECORDS = 10_000;

  public static final int DEFAULT_FLUSH_MINUTES = 60;

  public FeedTopic {
    requireNonNull(topic, "topic is null");
    if (flushRecords < 1 || flushMinutes < 1) {
      throw new IllegalArgumentException(
          "Flush limits must be positive: %d records, %d minutes"
              .formatted(flushRecords, flushMinutes));
    }
  }
}
