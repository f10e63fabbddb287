package dev.adlake.spark.ingestion.enrich;

import java.io.Serializable;

/**
 * What a user agent says about the client, as Yauaa names it: "Unknown" where it says nothing.
 *
 * @param deviceClass Desktop, Phone, Tablet, Robot, ... (Yauaa's DeviceClass)
 * @param osName operating system, such as iOS or Windows NT
 * @param osVersion operating system version, such as 17.4
 * @param browserName agent name, such as Safari or Chrome
 * @param browserVersion agent version, such as 17.4
 * @param robot whether the agent is a robot, a robot imitating a browser or a hacking tool
 */
public record AgentFields(
    String deviceClass,
    String osName,
    String osVersion,
    String browserName,
    String browserVersion,
    boolean robot)
    implements Serializable {
  /** The fields of an absent user agent. */
  static final AgentFields UNKNOWN =
      new AgentFields("Unknown", "Unknown", "Unknown", "Unknown", "Unknown", false);
}
