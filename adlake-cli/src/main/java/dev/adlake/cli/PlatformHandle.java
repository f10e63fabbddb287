package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.spark.Platform;
import java.util.function.Consumer;

/**
 * A platform for one command, stopped when the command ends and also on Ctrl-C, so the embedded
 * PostgreSQL and Kafka never outlive the process.
 */
final class PlatformHandle implements AutoCloseable {
  private final Platform platform;
  private final Thread stopOnSignal;

  PlatformHandle(AdlakeConfig config, Consumer<String> status) {
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
