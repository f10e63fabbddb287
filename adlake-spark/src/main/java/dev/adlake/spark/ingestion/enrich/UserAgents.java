package dev.adlake.spark.ingestion.enrich;

import java.util.Set;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Parses user agents with Yauaa into {@link AgentFields}. Thread-safe: parsed agents are cached in
 * a concurrent map read without locking (real traffic repeats a few thousand agents), and misses
 * share one analyzer per JVM under a lock, as Yauaa's analyzer is not thread-safe. One analyzer
 * takes about 7 s to build on first use and 130 MB of heap; an analyzer per thread was measured no
 * faster on misses with 2 threads on 2 cores, and misses are rare once the cache is warm.
 */
public final class UserAgents {
  /** Yauaa's device classes of agents that are not people browsing. */
  static final Set<String> ROBOT_CLASSES =
      Set.of("Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker");

  static final int CACHE_SIZE = 50_000;

  private static final String[] FIELDS = {
    UserAgent.DEVICE_CLASS,
    UserAgent.OPERATING_SYSTEM_NAME,
    UserAgent.OPERATING_SYSTEM_VERSION,
    UserAgent.AGENT_NAME,
    UserAgent.AGENT_VERSION
  };

  private UserAgents() {}

  private static final class Holder {
    static final UserAgentAnalyzer ANALYZER =
        UserAgentAnalyzer.newBuilder()
            .withFields(FIELDS)
            .withoutCache()
            .hideMatcherLoadStats()
            .immediateInitialization()
            .build();
    static final BoundedCache<String, AgentFields> CACHE =
        new BoundedCache<>(CACHE_SIZE, UserAgents::analyze);
  }

  /**
   * The fields of a user agent; all "Unknown" and not a robot for a null or blank one. The first
   * call builds the analyzer, which takes a few seconds.
   */
  public static AgentFields parse(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return AgentFields.UNKNOWN;
    }
    return Holder.CACHE.get(userAgent);
  }

  private static AgentFields analyze(String userAgent) {
    UserAgent parsed;
    synchronized (Holder.ANALYZER) {
      parsed = Holder.ANALYZER.parse(userAgent);
    }
    String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
    return new AgentFields(
        deviceClass,
        parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME),
        parsed.getValue(UserAgent.OPERATING_SYSTEM_VERSION),
        parsed.getValue(UserAgent.AGENT_NAME),
        parsed.getValue(UserAgent.AGENT_VERSION),
        ROBOT_CLASSES.contains(deviceClass));
  }
}
