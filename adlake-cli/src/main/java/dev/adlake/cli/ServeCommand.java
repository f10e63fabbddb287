package dev.adlake.cli;

import dev.adlake.core.access.ApiToken;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.MapperConfig;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.EventProducer;
import dev.adlake.kafka.KafkaMappingSink;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.server.AdlakeServer;
import dev.adlake.spark.Platform;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake serve}: the HTTP API and the dashboard over the serving store, until Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the HTTP API and the dashboard over the serving store, until Ctrl-C.",
      "",
      "The dashboard is at the printed URL, the API under /api, its OpenAPI description at",
      "/openapi.json, Prometheus metrics at /metrics. Run 'adlake metrics' (or",
      "'adlake metrics --watch') to fill and refresh it.",
      "",
      "With mapper.enabled (the default), the mapper service too: the cookie-sync call",
      "GET /mapping/sync?partner=P&partner_id=X and partners' files POST /mapping/bulk?partner=P,",
      "each mapping an event on the Kafka topic ingested-mapping (created when missing)."
    },
    footer = {
      "",
      "Examples:",
      "  adlake serve",
      "  adlake serve --set server.port=9000",
      "  adlake serve --set server.host=0.0.0.0     listen on every interface",
      "  adlake serve --set mapper.enabled=false    no mapper service, no Kafka"
    })
final class ServeCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      serveUntilStopped(handle.platform(), console);
    }
    return 0;
  }

  /**
   * Starts the server, with the mapper service when {@code mapper.enabled} (which needs Kafka: the
   * topic {@code ingested-mapping} is created when missing), prints where it is, and waits until
   * the process is stopped.
   */
  static void serveUntilStopped(Platform platform, Console console) throws InterruptedException {
    AdlakeConfig config = platform.config();
    MapperConfig mapper = config.mapper();
    AdlakeServer server;
    KafkaMappingSink sink = null;
    if (mapper.enabled()) {
      String bootstrapServers = platform.kafkaBootstrapServers();
      String topic = StreamTopics.ingested(StreamTopics.MAPPING);
      KafkaTopics.ensure(bootstrapServers, List.of(topic), EventProducer.DEFAULT_PARTITIONS);
      sink = new KafkaMappingSink(bootstrapServers, topic);
      try {
        server =
            AdlakeServer.start(
                config.server(),
                platform.metadata().dataSource(),
                platform.pipeline(),
                mapper,
                sink);
      } catch (RuntimeException e) {
        sink.close();
        throw e;
      }
    } else {
      server =
          AdlakeServer.start(
              config.server(), platform.metadata().dataSource(), platform.pipeline());
    }
    KafkaMappingSink openSink = sink;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  if (openSink != null) {
                    openSink.close();
                  }
                },
                "adlake-server-stop"));
    console.line("Dashboard: %s/", server.url());
    console.line(
        "Runs:      %s/runs.html   (job runs, pipeline runs, alerts, the pipeline)", server.url());
    console.line(
        "API:       %s/api   (OpenAPI description: %s/openapi.json)", server.url(), server.url());
    console.line(
        "Metrics:   %s/metrics   (Prometheus: requests, job runs, serving freshness, pool, JVM)",
        server.url());
    if (config.server().auth()) {
      long live =
          new JdbcApiTokens(platform.metadata().dataSource())
              .list().stream().filter(ApiToken::live).count();
      console.line(
          "Access:    a token for every API call and the dashboard's login; %d live token(s)%s",
          live, live == 0 ? ": 'adlake tokens create NAME --scope read' makes one" : "");
    } else {
      console.line("Access:    open to anyone who reaches the port (server.auth is false)");
    }
    if (mapper.enabled()) {
      String partner = mapper.partners().get(0);
      console.line(
          "Mapper:    %s/mapping/sync?partner=%s&partner_id=ID   (partners: %s; events to %s)",
          server.url(),
          partner,
          String.join(", ", mapper.partners()),
          StreamTopics.ingested(StreamTopics.MAPPING));
      console.line(
          "           POST %s/mapping/bulk?partner=%s   (CSV: partner_id,user_id[,event_time])",
          server.url(), partner);
    }
    console.line("Press Ctrl-C to stop.");
    new CountDownLatch(1).await();
  }

  /** The host to print in a URL: the loopback address when the server binds every interface. */
  static String reachableHost(ServerConfig server) {
    return server.host().equals("0.0.0.0") ? "127.0.0.1" : server.host();
  }
}
