package dev.adlake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.Folders;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GeneratorOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adlake bench freshness}: how long a file landed takes to show in the API while {@code
 * adlake ingest --watch}, {@code adlake metrics --watch} and {@code adlake serve} run as the
 * separate processes a user would start.
 */
@Command(
    name = "freshness",
    mixinStandardHelpOptions = true,
    description = {
      "Time a landed file's way to the API, from the landing zone to /api/metrics.",
      "",
      "The time runs from the file appearing in the landing zone to its",
      "impressions in /api/metrics, while 'adlake ingest --watch', 'adlake metrics --watch' and",
      "'adlake serve' run as separate processes on a home of their own. Target: 60 s."
    },
    footer = {"", "Example:", "  adlake bench freshness --files 3"})
final class BenchFreshnessCommand implements Callable<Integer> {
  static final Duration TARGET = Duration.ofSeconds(60);
  private static final int ROWS_PER_FILE = 100;
  private static final Duration GIVE_UP = Duration.ofMinutes(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--files",
      defaultValue = "3",
      description = "Files landed one after the other (default: ${DEFAULT-VALUE})")
  int files;

  @Override
  public Integer call() throws Exception {
    AdlakeCommand root = spec.root().commandLine().getCommand();
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), false);
    Path home = config.workDirectory().resolve("bench-freshness");
    Folders.delete(home);
    Path landing = home.resolve("landing");
    console.line(
        "bench freshness: %d file(s) of %d impressions, %d cores, %s; processes on home %s",
        files,
        ROWS_PER_FILE,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + Runtime.version(),
        home);
    console.line(
        "peer: the target of %d s from landing to the API (ingest polls every %d s, metrics every"
            + " %d s)",
        TARGET.toSeconds(),
        config.ingest().pollIntervalSeconds(),
        config.metrics().pollIntervalSeconds());
    // A small day first, so the tables exist and every process has done its first pass.
    AdDataGenerator.generate(
        new GeneratorOptions(
            GeneratorOptions.DEFAULT_SEED,
            GeneratorOptions.DEFAULT_START_DATE,
            1,
            20_000,
            landing,
            home.resolve("expected"),
            Runtime.getRuntime().availableProcessors()),
        (done, total) -> {});

    List<Process> processes = new ArrayList<>();
    try {
      // The bench's own server on a loopback port, without tokens: it times the data's way.
      Process serve = start(home, "serve", "--set", "server.port=0", "--set", "server.auth=false");
      processes.add(serve);
      String url = awaitLine(serve, "Dashboard: ").replace("Dashboard: ", "").strip();
      url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      console.line("  adlake serve at %s", url);
      processes.add(start(home, "ingest", "--watch"));
      processes.add(start(home, "metrics", "--watch"));
      HttpClient http = HttpClient.newHttpClient();
      console.line("  waiting for the first day to be ingested and rolled up...");
      awaitFirstRefresh(http, url);

      List<Double> seconds = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        int adId = 900_000 + i;
        Instant hour =
            LocalDate.of(2026, 12, 1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .plus(Duration.ofHours(i));
        Path file = writeFile(home, adId, hour);
        Path target =
            landing
                .resolve(BuiltInFeeds.ADSERVER_EVENTS)
                .resolve("dt=" + LocalDate.ofInstant(hour, ZoneOffset.UTC))
                .resolve(file.getFileName());
        Files.createDirectories(target.getParent());
        long landed = System.nanoTime();
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        String query =
            "%s/api/metrics?level=ad&id=%d&from=%s&to=%s&granularity=hour"
                .formatted(url, adId, hour, hour.plus(Duration.ofHours(1)));
        while (impressions(http, query) < ROWS_PER_FILE) {
          if (System.nanoTime() - landed > GIVE_UP.toNanos()) {
            throw new ExternalFailureException(
                "File %s did not show in the API within %d s"
                    .formatted(target, GIVE_UP.toSeconds()),
                null);
          }
          Thread.sleep(200);
        }
        double elapsed = (System.nanoTime() - landed) / 1e9;
        seconds.add(elapsed);
        console.line(
            "  file %d (ad %d, hour %s): in the API after %.1f s", i + 1, adId, hour, elapsed);
      }
      List<Double> sorted = seconds.stream().sorted().toList();
      double median = sorted.get(sorted.size() / 2);
      double worst = sorted.get(sorted.size() - 1);
      console.line(
          "median %.1f s, worst %.1f s from landing to the API: %s",
          median, worst, worst <= TARGET.toSeconds() ? "target met" : "target NOT met");
      return 0;
    } finally {
      // The processes stop their services on SIGTERM; serve owns PostgreSQL, so it goes last.
      for (int i = processes.size() - 1; i >= 0; i--) {
        Process process = processes.get(i);
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  /** Starts an adlake command in a child JVM with this JVM's flags and class path. */
  private static Process start(Path home, String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AdlakeCommand.class.getName());
    command.add("--home");
    command.add(home.toString());
    command.addAll(List.of(arguments));
    Path log = home.resolve("logs").resolve("bench-" + arguments[0] + ".out");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (!arguments[0].equals("serve")) {
      builder.redirectOutput(log.toFile());
    }
    return builder.start();
  }

  /** Reads the process's output until a line starts with the prefix, then keeps draining it. */
  private static String awaitLine(Process process, String prefix) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.startsWith(prefix)) {
        CompletableFuture.runAsync(() -> reader.lines().forEach(rest -> {}));
        return line;
      }
    }
    throw new ExternalFailureException(
        "adlake serve ended before it printed its URL (exit code %s)".formatted(exitCode(process)),
        null);
  }

  private static String exitCode(Process process) {
    try {
      return String.valueOf(process.waitFor());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static void awaitFirstRefresh(HttpClient http, String url) throws Exception {
    long started = System.nanoTime();
    while (System.nanoTime() - started < GIVE_UP.toNanos() * 2) {
      JsonNode status = get(http, url + "/api/status");
      if (status != null && status.path("lastRefreshAt").isTextual()) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new ExternalFailureException(
        "The first generated day was not rolled up in 10 minutes", null);
  }

  private static long impressions(HttpClient http, String query) throws Exception {
    JsonNode answer = get(http, query);
    return answer == null ? 0 : answer.path("totals").path("impressions").asLong(0);
  }

  private static JsonNode get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? new ObjectMapper().readTree(response.body()) : null;
  }

  /** A TSV file of ad-server impressions for one new ad in one hour, outside the landing zone. */
  private static Path writeFile(Path home, int adId, Instant hour) throws IOException {
    Path file = home.resolve("work").resolve("freshness-" + adId + ".tsv");
    Files.createDirectories(file.getParent());
    StringBuilder rows = new StringBuilder();
    for (int row = 0; row < ROWS_PER_FILE; row++) {
      rows.append(adId)
          .append('\t')
          .append(9_000)
          .append('\t')
          .append(900)
          .append('\t')
          .append(hour.plusSeconds(row * 30L))
          .append('\t')
          .append("fresh-")
          .append(adId)
          .append('-')
          .append(row)
          .append('\t')
          .append("10.9.")
          .append(row % 250)
          .append(".1\t")
          .append("user-")
          .append(row)
          .append("\timpression\thttps://www.example.com/p/")
          .append(row)
          .append("\tMozilla/5.0 (X11; Linux x86_64)\n");
    }
    Files.writeString(file, rows);
    return file;
  }
}
