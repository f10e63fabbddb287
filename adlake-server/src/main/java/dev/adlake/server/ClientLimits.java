package dev.adlake.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** Limits per client (IP address): how fast it may call, and how many bad tokens it may try. */
final class ClientLimits {
  /** Past this many clients, the idle ones are forgotten. */
  private static final int MAX_CLIENTS = 100_000;

  private ClientLimits() {}

  /**
   * A token bucket per client: {@code perSecond} calls a second on average, bursts of twice that.
   */
  static final class Rate {
    private final double perSecond;
    private final double burst;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
      double tokens;
      long refilledNanos;
    }

    Rate(int perSecond, Clock clock) {
      this.perSecond = perSecond;
      this.burst = 2.0 * perSecond;
      this.clock = clock;
    }

    /** Takes one call from the client's bucket; false when it is empty. */
    boolean tryTake(String client) {
      long now = nanos();
      if (buckets.size() > MAX_CLIENTS) {
        buckets.clear();
      }
      Bucket bucket =
          buckets.computeIfAbsent(
              client,
              key -> {
                Bucket fresh = new Bucket();
                fresh.tokens = burst;
                fresh.refilledNanos = now;
                return fresh;
              });
      synchronized (bucket) {
        double refill = (now - bucket.refilledNanos) / 1e9 * perSecond;
        bucket.tokens = Math.min(burst, bucket.tokens + refill);
        bucket.refilledNanos = now;
        if (bucket.tokens < 1) {
          return false;
        }
        bucket.tokens -= 1;
        return true;
      }
    }

    private long nanos() {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
  }

  /**
   * Failed authentications per client: after {@code limit} of them within {@code window}, the
   * client is refused until the oldest falls out of the window, even with a good token.
   */
  static final class Failures {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    Failures(int limit, Duration window, Clock clock) {
      this.limit = limit;
      this.window = window;
      this.clock = clock;
    }

    /** Seconds the client must wait, or empty when it may try. */
    OptionalLong blockedFor(String client) {
      Deque<Instant> times = failures.get(client);
      if (times == null) {
        return OptionalLong.empty();
      }
      synchronized (times) {
        Instant now = clock.instant();
        while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
          times.removeFirst();
        }
        if (times.size() < limit) {
          return OptionalLong.empty();
        }
        long seconds = Duration.between(now, times.peekFirst().plus(window)).toSeconds();
        return OptionalLong.of(Math.max(1, seconds + 1));
      }
    }

    void record(String client) {
      if (failures.size() > MAX_CLIENTS) {
        failures.clear();
      }
      Deque<Instant> times = failures.computeIfAbsent(client, key -> new ArrayDeque<>());
      synchronized (times) {
        times.addLast(clock.instant());
        while (times.size() > limit) {
          times.removeFirst();
        }
      }
    }
  }
}
