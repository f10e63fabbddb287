package dev.adlake.core.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where the data's anomaly alerts go besides the alerts table.
 *
 * @param alertWebhook a URL each new alert is posted to as JSON
 */
public record MonitoringConfig(Optional<URI> alertWebhook) {
  public static final ConfigKey<URI> ALERT_WEBHOOK =
      ConfigKey.of(
          "monitoring.alert-webhook",
          ValueType.uri("http", "https"),
          null,
          "URL each new data-anomaly alert is posted to as JSON (a chat or paging hook); unset:"
              + " alerts go to the alerts table only");

  static List<ConfigKey<?>> keys() {
    return List.of(ALERT_WEBHOOK);
  }

  public static MonitoringConfig of(AdlakeConfig config) {
    return new MonitoringConfig(config.values().find(ALERT_WEBHOOK));
  }
}
