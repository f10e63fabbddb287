package dev.adlake.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Prometheus endpoint of a long-running command ({@code GET /metrics}): what the process
 * records to Micrometer's global registry (its job runs, the enricher's records, failures and
 * consumer lag, the archive's hours, the bridge's files, the Kafka consumers' own metrics, the
 * scheduler's runs), the JVM's, each series labelled with the process ({@code process="enrich"}).
 */
final class ProcessMetrics implements AutoCloseable {
  /** Each command's port when none is given: one per command, so that they can share a host. */
  static final Map<String, Integer> DEFAULT_PORTS =
      Map.of(
          "scheduler", 9471,
          "enrich", 9472,
          "ingest", 9473,
          "metrics", 9474,
          "archive", 9475,
          "bridge", 9476);

  /** Prometheus' text format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final HttpServer server;

  private final ExecutorService executor;

  private ProcessMetrics(
      PrometheusMeterRegistry registry,
      JvmGcMetrics gc,
      HttpServer server,
      ExecutorService executor) {
    this.registry = registry;
    this.gc = gc;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts the endpoint; when the port is taken, says so and goes on without one (the process's
   * work matters more than its metrics).
   *
   * @param process the command's name, the {@code process} label
   * @param port the port; 0 for none
   */
  static Optional<ProcessMetrics> start(String process, String host, int port, Console console) {
    if (port == 0) {
      return Optional.empty();
    }
    if (port < 0 || port > 65535) {
      throw new dev.adlake.core.InvalidInputException(
          "--metrics-port %d is not a port: give 1 to 65535, or 0 for no endpoint".formatted(port));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("process", process);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      console.line(
          "  WARNING: no metrics endpoint: cannot listen on %s:%d (%s); --metrics-port picks"
              + " another",
          host, port, e.getMessage());
      registry.close();
      return Optional.empty();
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Metrics.addRegistry(registry);
    server.createContext("/metrics", exchange -> answer(exchange, 200, registry.scrape()));
    server.createContext(
        "/", exchange -> answer(exchange, 404, "Prometheus metrics are at /metrics\n"));
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "adlake-metrics");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.start();
    console.line(
        "  Prometheus metrics at http://%s:%d/metrics", host, server.getAddress().getPort());
    return Optional.of(new ProcessMetrics(registry, gc, server, executor));
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    Metrics.removeRegistry(registry);
    gc.close();
    registry.close();
  }
}
