package dev.adlake.kafka.check;

import java.util.HashMap;
import java.util.Map;

/**
 * What one source's records of one minute looked like: how many, how many were not a JSON object,
 * and per top-level field how many records had it and how many had it null or empty.
 */
final class MinuteProfile {
  long records;
  long malformed;
  final Map<String, Long> present = new HashMap<>();
  final Map<String, Long> nulls = new HashMap<>();

  /** The records that were JSON objects. */
  long valid() {
    return records - malformed;
  }

  long present(String field) {
    return present.getOrDefault(field, 0L);
  }

  long nulls(String field) {
    return nulls.getOrDefault(field, 0L);
  }
}
