package dev.adlake.spark;

import dev.adlake.core.Folders;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One platform per test JVM (one PostgreSQL, one SparkSession, one Kafka broker), started on first
 * use in a fresh home under {@code target/}, stopped when the JVM exits. Tests use unique table and
 * topic names so they can share it.
 */
public final class TestPlatform {
  private static Platform platform;

  private TestPlatform() {}

  public static synchronized Platform get() {
    if (platform == null) {
      Path home = Path.of("target", "test-home").toAbsolutePath();
      Folders.delete(home);
      AdlakeConfig config =
          ConfigLoader.load(
              new ConfigLoader.Request(
                  Optional.of(home),
                  Optional.empty(),
                  Map.of(),
                  Map.of("spark.master", "local[2]", "spark.shuffle-partitions", "4"),
                  Path.of("").toAbsolutePath()));
      platform = new Platform(config, line -> {});
      Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "test-platform-stop"));
    }
    return platform;
  }
}
