package dev.adlake.cli;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.spark.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A platform for one command, stopped when the command ends and also on Ctrl-C, so the embedded
 * PostgreSQL and Kafka never outlive the process.
 */
final class PlatformHandle implements AutoCloseable {
  private final Platform platform;
  private final Thread stopOnSignal;

  PlatformHandle(AdlakeConfig config, Consumer<String> status) {
    try {
      Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot create the temporary folder under %s: %s"
              .formatted(config.home(), e.getMessage()),
          e);
    }
    this.platform = new Platform(config, status);
    this.stopOnSignal = new Thread(platform::close, "adlake-stop");
    Runtime.getRuntime().addShutdownHook(stopOnSignal);
  }

  Platform platform() {
    return platform;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnSignal);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running already.
    }
    platform.close();
  }
}
