package dev.adlake.cli;

import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --metrics-port} and {@code --metrics-host} options of the long-running commands. */
final class MetricsEndpointOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Port of the Prometheus endpoint /metrics while the command runs (default: scheduler"
              + " 9471, enrich 9472, ingest 9473, metrics 9474, archive 9475, bridge 9476; 0:"
              + " none)")
  Integer port;

  @Option(
      names = "--metrics-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "Address the metrics endpoint listens on (default: ${DEFAULT-VALUE})")
  String host;

  /**
   * Starts the endpoint when the command runs on (or a port is given).
   *
   * @param longRunning whether this run keeps going (no --once, or --watch)
   */
  Optional<ProcessMetrics> start(boolean longRunning, Console console) {
    if (port == null && !longRunning) {
      return Optional.empty();
    }
    String name = command.name();
    return ProcessMetrics.start(
        name, host, port != null ? port : ProcessMetrics.DEFAULT_PORTS.get(name), console);
  }
}
