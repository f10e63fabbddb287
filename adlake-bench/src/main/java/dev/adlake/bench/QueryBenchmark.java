package dev.adlake.bench;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;
import dev.adlake.generator.serving.ServingDataGenerator;
import dev.adlake.generator.serving.SimulatedTraffic;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Measures the API under load: closed-loop clients on the loopback interface (each a kept-alive
 * HTTP/1.1 connection), each asking in turn for a random campaign's daily metrics and unique users
 * over a range, first for a warm-up, then for a measured duration whose every latency is recorded.
 */
public final class QueryBenchmark {
  /**
   * What to run.
   *
   * @param serverUrl the running server, such as {@code http://127.0.0.1:8420}
   * @param clients concurrent closed-loop clients
   * @param warmUp how long to run before measuring
   * @param duration how long to measure
   * @param firstCampaignId the lowest campaign id to ask for
   * @param campaigns how many consecutive campaign ids to pick from
   * @param from the first day of the range asked for
   * @param days the length of the range asked for
   * @param seed picks the campaigns
   */
  public record Options(
      String serverUrl,
      int clients,
      Duration warmUp,
      Duration duration,
      int firstCampaignId,
      int campaigns,
      LocalDate from,
      int days,
      long seed) {
    public Options {
      requireNonNull(serverUrl, "serverUrl is null");
      requireNonNull(warmUp, "warmUp is null");
      requireNonNull(duration, "duration is null");
      requireNonNull(from, "from is null");
      if (clients < 1 || campaigns < 1 || days < 1) {
        throw new InvalidInputException(
            "Invalid benchmark options: clients %d, campaigns %d and days %d must be at least 1"
                .formatted(clients, campaigns, days));
      }
      if (!URI.create(serverUrl).getHost().matches("127\\.0\\.0\\.1|localhost|::1")) {
        throw new InvalidInputException(
            "The benchmark only talks to the loopback interface, not %s".formatted(serverUrl));
      }
    }

    /** 50 clients, 10 s warm-up, 30 s measured, over the generator's default 90 days. */
    public static Options defaults(String serverUrl) {
      ServingDataGenerator.Options data = ServingDataGenerator.Options.defaults();
      return new Options(
          serverUrl,
          50,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          SimulatedTraffic.FIRST_CAMPAIGN_ID,
          data.campaigns(),
          data.startDate(),
          data.days(),
          7);
    }
  }

  /**
   * The measured figures; latencies in milliseconds.
   *
   * @param requests requests completed in the measured duration
   * @param errors answers that were not 200, or failed
   */
  public record Result(
      int clients,
      long requests,
      long errors,
      double seconds,
      double requestsPerSecond,
      double p50Millis,
      double p90Millis,
      double p99Millis,
      double maxMillis) {
    /** One line for a terminal. */
    public String summary() {
      return ("%d clients: %,d requests in %.1f s = %,.0f requests/s, %d errors;"
              + " latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms")
          .formatted(
              clients,
              requests,
              seconds,
              requestsPerSecond,
              errors,
              p50Millis,
              p90Millis,
              p99Millis,
              maxMillis);
    }
  }

  private QueryBenchmark() {}

  /** Runs the warm-up and the measurement, and returns the measured figures. */
  public static Result run(Options options, Consumer<String> progress) {
    requireNonNull(options, "options is null");
    requireNonNull(progress, "progress is null");
    progress.accept(
        "Warming up %d clients for %d s"
            .formatted(options.clients(), options.warmUp().toSeconds()));
    // One kept-alive connection per client for both phases: the measurement starts connected.
    List<LoopbackHttpClient> connections = new ArrayList<>();
    for (int c = 0; c < options.clients(); c++) {
      connections.add(new LoopbackHttpClient(URI.create(options.serverUrl())));
    }
    try {
      return measure(options, progress, connections);
    } finally {
      connections.forEach(LoopbackHttpClient::close);
    }
  }

  private static Result measure(
      Options options, Consumer<String> progress, List<LoopbackHttpClient> connections) {
    phase(options, connections, options.warmUp(), false);
    progress.accept(
        "Measuring %d clients for %d s"
            .formatted(options.clients(), options.duration().toSeconds()));
    Measured measured = phase(options, connections, options.duration(), true);
    long[] latencies = measured.latencies;
    Arrays.sort(latencies);
    double seconds = measured.nanos / 1e9;
    Result result =
        new Result(
            options.clients(),
            latencies.length,
            measured.errors,
            seconds,
            latencies.length / seconds,
            percentile(latencies, 0.50),
            percentile(latencies, 0.90),
            percentile(latencies, 0.99),
            latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
    progress.accept(result.summary());
    return result;
  }

  private record Measured(long[] latencies, long errors, long nanos) {}

  private static Measured phase(
      Options options, List<LoopbackHttpClient> connections, Duration duration, boolean record) {
    long deadline = System.nanoTime() + duration.toNanos();
    AtomicLong errors = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(options.clients());
    long started = System.nanoTime();
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      for (int c = 0; c < options.clients(); c++) {
        long seed = options.seed() * 1_000_003L + c;
        LoopbackHttpClient client = connections.get(c);
        futures.add(pool.submit(() -> clientLoop(options, client, deadline, seed, errors)));
      }
      List<long[]> all = new ArrayList<>();
      for (Future<long[]> future : futures) {
        all.add(future.get());
      }
      long nanos = System.nanoTime() - started;
      long[] latencies = all.stream().flatMapToLong(Arrays::stream).toArray();
      return new Measured(record ? latencies : new long[0], errors.get(), nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Benchmark interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("A benchmark client failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static long[] clientLoop(
      Options options, LoopbackHttpClient client, long deadline, long seed, AtomicLong errors) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] latencies = new long[1024];
    int count = 0;
    String to = options.from().plusDays(options.days()).toString();
    while (System.nanoTime() < deadline) {
      int campaign = options.firstCampaignId() + random.nextInt(options.campaigns());
      String path =
          "/api/metrics?level=campaign&id=%d&from=%s&to=%s&granularity=day"
              .formatted(campaign, options.from(), to);
      long start = System.nanoTime();
      try {
        if (client.get(path) != 200) {
          errors.incrementAndGet();
        }
      } catch (IOException e) {
        errors.incrementAndGet();
      }
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = System.nanoTime() - start;
    }
    return Arrays.copyOf(latencies, count);
  }

  private static double percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
