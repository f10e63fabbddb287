package dev.adlake.core.stream;

import static java.util.Objects.requireNonNull;

/**
 * Kafka's bootstrap servers as a service of the process: the embedded broker's, started on first
 * request, or the configured cluster's.
 */
public record KafkaServers(String bootstrapServers) {
  public KafkaServers {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
  }
}
