package dev.adlake.cli;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.spark.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

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
    this.stopOnSignal = new Thread(this::stopOnSignal, "adlake-stop");
    Runtime.getRuntime().addShutdownHook(stopOnSignal);
  }

  /** On Ctrl-C: say so, silence the errors of work cut short, stop the services cleanly. */
  private void stopOnSignal() {
    AdlakeCommand.stopping = true;
    PrintStream err = System.err;
    err.println("Interrupted: stopping adlake's services...");
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
    // Threads cut short print their own stack traces; they say nothing the user can act on.
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    platform.close();
    err.println("Stopped.");
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
