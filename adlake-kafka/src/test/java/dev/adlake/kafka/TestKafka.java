package dev.adlake.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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
      deleteRecursively(logs);
      broker = EmbeddedKafkaBroker.start(logs, 0);
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-stop"));
    }
    return broker.bootstrapServers();
  }

  public static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
