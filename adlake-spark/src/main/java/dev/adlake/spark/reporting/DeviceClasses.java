package dev.adlake.spark.reporting;

import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * The device class of a user agent (Desktop, Phone, Tablet, Robot, ...), as Yauaa names it. One
 * analyzer per JVM, built on first use (it takes a few seconds) and shared by the tasks, with a
 * cache: real traffic repeats a few thousand user agents.
 */
final class DeviceClasses {
  private static final String FIELD = UserAgent.DEVICE_CLASS;

  private DeviceClasses() {}

  private static final class Holder {
    static final UserAgentAnalyzer ANALYZER =
        UserAgentAnalyzer.newBuilder()
            .withField(FIELD)
            .withCache(20_000)
            .hideMatcherLoadStats()
            .immediateInitialization()
            .build();
  }

  /** The device class, or "Unknown" for an absent user agent. */
  static String of(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return "Unknown";
    }
    synchronized (Holder.ANALYZER) {
      return Holder.ANALYZER.parse(userAgent).getValue(FIELD);
    }
  }
}
