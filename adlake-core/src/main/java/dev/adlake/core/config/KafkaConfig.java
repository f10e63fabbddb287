package dev.adlake.core.config;

import java.util.List;
import java.util.Optional;

/** The Kafka cluster for event streams; without bootstrap servers an embedded broker is used. */
public record KafkaConfig(Optional<List<String>> bootstrapServers, int embeddedPort) {
  public static final ConfigKey<List<String>> BOOTSTRAP_SERVERS =
      ConfigKey.of(
          "kafka.bootstrap-servers",
          ValueType.hostPorts(),
          null,
          "Kafka brokers as host:port,...; unset: an embedded KRaft broker is started under the home"
              + " folder");
  public static final ConfigKey<Integer> EMBEDDED_PORT =
      ConfigKey.of(
          "kafka.embedded-port",
          ValueType.integer(0, 65535),
          "0",
          "Port of the embedded Kafka broker on 127.0.0.1; 0 picks a free one");

  static List<ConfigKey<?>> keys() {
    return List.of(BOOTSTRAP_SERVERS, EMBEDDED_PORT);
  }

  static KafkaConfig from(ConfigValues values) {
    return new KafkaConfig(values.find(BOOTSTRAP_SERVERS), values.get(EMBEDDED_PORT));
  }

  public boolean embedded() {
    return bootstrapServers.isEmpty();
  }
}
