package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.server.AdlakeServer;
import dev.adlake.spark.Platform;
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
      "/openapi.json. Run 'adlake metrics' (or 'adlake metrics --watch') to fill and refresh it."
    },
    footer = {
      "",
      "Examples:",
      "  adlake serve",
      "  adlake serve --set server.port=9000",
      "  adlake serve --set server.host=0.0.0.0     listen on every interface"
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

  /** Starts the server, prints where it is, and waits until the process is stopped. */
  static void serveUntilStopped(Platform platform, Console console) throws InterruptedException {
    AdlakeServer server =
        AdlakeServer.start(platform.config().server(), platform.metadata().dataSource());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "adlake-server-stop"));
    console.line("Dashboard: %s/", server.url());
    console.line(
        "API:       %s/api   (OpenAPI description: %s/openapi.json)", server.url(), server.url());
    console.line("Press Ctrl-C to stop.");
    new CountDownLatch(1).await();
  }
}
