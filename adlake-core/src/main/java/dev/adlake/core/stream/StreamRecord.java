package dev.adlake.core.stream;

import static java.util.Objects.requireNonNull;

/**
 * One Kafka record to send: its topic, key and value bytes. The arrays are not copied and must not
 * be changed; equality is by reference, as for every record holding arrays.
 */
public record StreamRecord(String topic, byte[] key, byte[] value) {
  public StreamRecord {
    requireNonNull(topic, "topic is null");
    requireNonNull(key, "key is null");
    requireNonNull(value, "value is null");
  }
}
