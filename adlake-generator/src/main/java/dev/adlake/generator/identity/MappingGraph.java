package dev.adlake.generator.identity;

import dev.adlake.core.identity.MappingEvent;
import dev.adlake.generator.Mixer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A known true identity graph and the cookie-sync events it is observed through.
 *
 * <p>Every user is a true component: a few of our cookies ({@link MappingEvent#OUR_PARTNER}) and
 * ids of some partners, joined by links (each a (partner id, cookie) pair) that connect all of them
 * by the last day, plus further random links. A user starts on a random day and its links are first
 * seen on that day or later, so a day's run sees partial users that later merge. Links are seen
 * again on later days (repeats). A few hub ids (a partner's placeholder id shared by many browsers)
 * link many users' first cookies; the mapper must set them aside, so each user stays its own
 * component.
 *
 * <p>Everything is a pure function of the options and the user's number, so users can be made in
 * parallel and in any order, and the truth is known without keeping the graph.
 */
public final class MappingGraph {
  private static final long HUB_SALT = 0x4855424855424855L;
  private static final long SECONDS_PER_DAY = Duration.ofDays(1).toSeconds();

  private final MappingGraphOptions options;

  public MappingGraph(MappingGraphOptions options) {
    this.options = options;
  }

  public MappingGraphOptions options() {
    return options;
  }

  /** One node of the graph: a partner's id, or one of our cookies. */
  public record Node(String partner, String id) {}

  /**
   * One observed link, first seen on {@code day}, between a partner id and one of our cookies.
   *
   * @param partnerNode the partner id's node
   * @param cookie the cookie's node ({@link MappingEvent#OUR_PARTNER})
   */
  public record Link(Node partnerNode, Node cookie, int day) {}

  /** A true user: its region, its ids (hub ids excluded) and its links (hub links included). */
  public record User(long index, String region, List<Node> nodes, List<Link> links) {}

  /** The hub ids, set aside by a mapper whose link limit is below {@code hubLinks}. */
  public List<Node> hubs() {
    List<Node> hubs = new ArrayList<>();
    for (int h = 0; h < options.hubs(); h++) {
      hubs.add(hub(h));
    }
    return hubs;
  }

  /** The user with this number, from 0 to {@code users - 1}. */
  public User user(long index) {
    if (index < 0 || index >= options.users()) {
      throw new IndexOutOfBoundsException("No user " + index + " of " + options.users());
    }
    SplitMix random = new SplitMix(Mixer.mix(options.seed() * 0x9E3779B97F4A7C15L + index));
    String region = region(random);
    int cookies = 1 + random.below(options.maxCookies());
    List<Node> partnerIds = new ArrayList<>();
    for (String partner : options.partners()) {
      double draw = random.unit();
      int count = draw < 0.15 ? 0 : draw < 0.9 ? 1 : 2;
      for (int i = 0; i < count; i++) {
        partnerIds.add(new Node(partner, partnerId(partner, random.next())));
      }
    }
    if (partnerIds.isEmpty()) {
      String partner = options.partners().get(random.below(options.partners().size()));
      partnerIds.add(new Node(partner, partnerId(partner, random.next())));
    }
    List<Node> cookieIds = new ArrayList<>();
    for (int i = 0; i < cookies; i++) {
      cookieIds.add(new Node(MappingEvent.OUR_PARTNER, cookieId(random.next())));
    }
    int start = random.below(options.days());
    List<Link> links = new ArrayList<>();
    boolean[][] linked = new boolean[partnerIds.size()][cookies];
    // A random spanning tree over the bipartite ids: each id after the first two attaches to an
    // id of the other kind already attached, so the user is one component once all are seen.
    linked[0][0] = true;
    links.add(new Link(partnerIds.get(0), cookieIds.get(0), start));
    int attachedPartners = 1;
    int attachedCookies = 1;
    while (attachedPartners < partnerIds.size() || attachedCookies < cookies) {
      boolean partnerNext =
          attachedCookies == cookies
              || (attachedPartners < partnerIds.size() && random.unit() < 0.5);
      int day = laterDay(start, random);
      if (partnerNext) {
        int cookie = random.below(attachedCookies);
        linked[attachedPartners][cookie] = true;
        links.add(new Link(partnerIds.get(attachedPartners), cookieIds.get(cookie), day));
        attachedPartners++;
      } else {
        int partner = random.below(attachedPartners);
        linked[partner][attachedCookies] = true;
        links.add(new Link(partnerIds.get(partner), cookieIds.get(attachedCookies), day));
        attachedCookies++;
      }
    }
    for (int p = 0; p < partnerIds.size(); p++) {
      for (int c = 0; c < cookies; c++) {
        if (!linked[p][c] && random.unit() < options.extraLinkProbability()) {
          links.add(new Link(partnerIds.get(p), cookieIds.get(c), laterDay(start, random)));
        }
      }
    }
    int hub = hubOf(index);
    if (hub >= 0) {
      links.add(new Link(hub(hub), cookieIds.get(0), laterDay(start, random)));
    }
    List<Node> nodes = new ArrayList<>(cookieIds);
    nodes.addAll(partnerIds);
    return new User(index, region, List.copyOf(nodes), List.copyOf(links));
  }

  /**
   * The events the user's links are seen through: each link on its first day, and again on later
   * days as repeats. Times fall within the day; ids are fixed by the link and the time.
   */
  public List<MappingEvent> events(User user) {
    SplitMix random = new SplitMix(Mixer.mix(options.seed() ^ 0x6576656e7473L) + user.index());
    List<MappingEvent> events = new ArrayList<>();
    for (Link link : user.links()) {
      events.add(event(link, link.day(), user.region(), random));
      if (link.day() + 1 < options.days() && random.unit() < options.repeatProbability()) {
        int again = link.day() + 1 + random.below(options.days() - link.day() - 1);
        events.add(event(link, again, user.region(), random));
      }
    }
    return events;
  }

  /** The hub a user's first cookie is linked to, or -1. */
  private int hubOf(long index) {
    if (options.hubs() == 0) {
      return -1;
    }
    double share = (double) options.hubs() * options.hubLinks() / options.users();
    long key = Mixer.mix(options.seed() ^ HUB_SALT) + index;
    if (Mixer.unit(key) >= share) {
      return -1;
    }
    return (int) Math.floorMod(Mixer.mix(key + 1), (long) options.hubs());
  }

  private MappingEvent event(Link link, int day, String region, SplitMix random) {
    Instant time =
        options
            .start()
            .plusSeconds(day * SECONDS_PER_DAY + (long) (random.unit() * SECONDS_PER_DAY));
    String origin = random.unit() < 0.7 ? MappingEvent.PIXEL : MappingEvent.BULK;
    return new MappingEvent(
        hex(random.next()) + hex(random.next()),
        time,
        link.partnerNode().partner(),
        link.partnerNode().id(),
        link.cookie().id(),
        region,
        origin);
  }

  private int laterDay(int start, SplitMix random) {
    // Most links come within days of the user's first; some much later.
    int wait = random.unit() < 0.6 ? 0 : random.below(Math.max(1, options.days() - start));
    return Math.min(options.days() - 1, start + wait);
  }

  private String region(SplitMix random) {
    List<String> regions = options.regions();
    // The first region holds about half the users, the rest share the other half.
    if (regions.size() == 1 || random.unit() < 0.5) {
      return regions.get(0);
    }
    return regions.get(1 + random.below(regions.size() - 1));
  }

  private Node hub(int hub) {
    return new Node(
        options.partners().get(hub % options.partners().size()),
        "hub-" + hex(Mixer.mix(options.seed() ^ HUB_SALT ^ hub)).substring(0, 8));
  }

  private static String cookieId(long bits) {
    return "c" + hex(bits);
  }

  private static String partnerId(String partner, long bits) {
    return partner.substring(0, 2).toUpperCase(Locale.ROOT) + "-" + hex(bits);
  }

  private static String hex(long bits) {
    String text = Long.toHexString(bits);
    return "0".repeat(16 - text.length()) + text;
  }

  /** SplitMix64: small, fast and the same everywhere. */
  private static final class SplitMix {
    private long state;

    SplitMix(long seed) {
      this.state = seed;
    }

    long next() {
      state += 0x9E3779B97F4A7C15L;
      return Mixer.mix(state);
    }

    double unit() {
      return (next() >>> 11) * 0x1.0p-53;
    }

    int below(int bound) {
      return (int) Math.floorMod(next(), (long) bound);
    }
  }
}
