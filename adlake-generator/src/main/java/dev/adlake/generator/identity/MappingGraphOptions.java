package dev.adlake.generator.identity;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a generated identity graph: how many users, over how many days, with which partners
 * and regions, how many hub ids and how densely each user's ids are linked.
 *
 * @param seed the same seed gives the same graph and events
 * @param users the number of true users (true components)
 * @param days the days the mappings are spread over, from {@code start}
 * @param start the first day's start
 * @param partners the partners whose ids are synced with ours
 * @param regions the regions users live in (the first is the most common)
 * @param maxCookies each user has 1 to this many of our cookies (browsers, devices)
 * @param extraLinkProbability the chance each further (cookie, partner id) pair of a user is seen,
 *     beyond the links that connect the user
 * @param repeatProbability the chance a link is seen again on a later day (noise the graph must not
 *     count twice)
 * @param hubs the number of hub ids (a shared device or a partner's placeholder id)
 * @param hubLinks how many users each hub id links, on average; above the job's limit a hub is set
 *     aside and the users stay apart
 */
public record MappingGraphOptions(
    long seed,
    long users,
    int days,
    Instant start,
    List<String> partners,
    List<String> regions,
    int maxCookies,
    double extraLinkProbability,
    double repeatProbability,
    int hubs,
    int hubLinks)
    implements Serializable {

  public MappingGraphOptions {
    Objects.requireNonNull(start, "start is null");
    partners = List.copyOf(partners);
    regions = List.copyOf(regions);
    if (users < 1) {
      throw new IllegalArgumentException("users must be at least 1, not " + users);
    }
    if (days < 1) {
      throw new IllegalArgumentException("days must be at least 1, not " + days);
    }
    if (partners.isEmpty() || regions.isEmpty()) {
      throw new IllegalArgumentException("Give at least one partner and one region");
    }
    if (maxCookies < 1) {
      throw new IllegalArgumentException("maxCookies must be at least 1, not " + maxCookies);
    }
    if (hubs < 0 || hubLinks < 0 || (hubs > 0 && (long) hubs * hubLinks > users)) {
      throw new IllegalArgumentException(
          "hubs × hubLinks must be between 0 and the users, not " + hubs + " × " + hubLinks);
    }
  }

  /** A small graph for tests and the quickstart: 3 partners, 3 regions, 2 hubs. */
  public static MappingGraphOptions sample(long seed, long users, int days, Instant start) {
    return new MappingGraphOptions(
        seed,
        users,
        days,
        start,
        List.of("sharethis", "33across", "liveramp"),
        List.of("eu", "us", "apac"),
        3,
        0.35,
        0.3,
        2,
        (int) Math.min(users / 4, 400));
  }

  /** The same graph shape over another number of users. */
  public MappingGraphOptions withUsers(long users, int hubLinks) {
    return new MappingGraphOptions(
        seed,
        users,
        days,
        start,
        partners,
        regions,
        maxCookies,
        extraLinkProbability,
        repeatProbability,
        hubs,
        hubLinks);
  }

  /**
   * A dense graph for benchmarks: 5 partners, up to 6 cookies per user, every (cookie, partner id)
   * pair of a user seen: about 2 links per id, as the identity benchmark's 20 million links over 10
   * million ids.
   */
  public static MappingGraphOptions dense(long seed, long users, int days, Instant start) {
    return new MappingGraphOptions(
        seed,
        users,
        days,
        start,
        List.of("sharethis", "33across", "liveramp", "id5", "tradedesk"),
        List.of("eu", "us", "apac"),
        6,
        1.0,
        0.1,
        4,
        (int) Math.min(users / 8, 5_000));
  }
}
