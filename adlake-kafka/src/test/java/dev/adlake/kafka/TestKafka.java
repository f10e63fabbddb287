package dev.adlake.kafka;

import dev.adlake.core.Folders;
import java.nio.file.Path;

/**
 * One embedded Kafka broker per test JVM, started on first use in a fresh folder under {@code
 * target/}, stopped when the JVM exits. Tests use unique topic names so they can share it.
 */
public final class TestKafka {
  private static EmbeddedKafkaBroker broker;

  private TestKafka() {}

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      Path logs = Path.of("target", "test-kafka").toAbsolutePath();
      Folders.delete(logs);
      broker = EmbeddedKafkaBroker.start(logs, 0);
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-stop"));
    }
    return broker.bootstrapServers();
  }
}
