package dev.adlake.core.config;

import java.util.List;

/**
 * The ad-metrics job: how often {@code adlake metrics --watch} looks for new loads, and whether it
 * fills the ad-metric design's per-user table.
 *
 * @param pollIntervalSeconds seconds between two passes of {@code adlake metrics --watch}
 * @param servingUsers whether {@code serving.users} (ad, hour, user) is filled
 */
public record MetricsConfig(int pollIntervalSeconds, boolean servingUsers) {
  public static final ConfigKey<Integer> POLL_INTERVAL_SECONDS =
      ConfigKey.of(
          "metrics.poll-interval-seconds",
          ValueType.integer(1, 3600),
          "10",
          "How often 'adlake metrics --watch' looks for newly loaded files");
  public static final ConfigKey<Boolean> SERVING_USERS =
      ConfigKey.of(
          "metrics.serving-users",
          ValueType.bool(),
          "true",
          "Fill serving.users (a row per ad, hour and user, the design's table for BI tools);"
              + " the API answers unique users from sketches without it");

  static List<ConfigKey<?>> keys() {
    return List.of(POLL_INTERVAL_SECONDS, SERVING_USERS);
  }

  static MetricsConfig from(ConfigValues values) {
    return new MetricsConfig(values.get(POLL_INTERVAL_SECONDS), values.get(SERVING_USERS));
  }
}
