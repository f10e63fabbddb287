package dev.adlake.generator;

import static dev.adlake.generator.Mixer.mix;
import static dev.adlake.generator.Mixer.unit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The fixed world events are drawn from: advertisers, campaigns, ads, sites, users with their
 * browsers and addresses. Derived from the seed alone, so every day of a generation shares it.
 */
final class AdUniverse {
  static final int ADVERTISERS = 60;
  static final int CAMPAIGNS = 400;
  static final int ADS = 2000;
  static final int DOMAINS = 5000;

  private static final String[] TOPICS = {
    "news", "sport", "tech", "recipe", "travel", "auto", "finance", "health", "style", "game",
    "music", "movie", "home", "garden", "pet", "family", "science", "weather", "local", "shop",
    "deal", "job", "realestate", "fitness", "beauty", "book", "art", "crypto", "outdoor", "kids"
  };
  private static final String[] QUALIFIERS = {
    "daily", "hub", "world", "today", "insider", "zone", "central", "guide", "post", "times",
    "wire", "lab", "spot", "corner", "review", "planet", "direct", "point", "plus", "nation",
    "city", "life", "now", "base", "watch", "mag", "club", "press", "land", "line"
  };
  private static final String[] SUFFIXES = {
    ".com", ".com", ".com", ".net", ".co.uk", ".de", ".fr", ".io", ".org", ".com.au"
  };
  private static final String[] SECTIONS = {"article", "story", "video", "gallery", "p", "news"};

  /** Browsers by share of users, bots last. */
  private static final String[][] USER_AGENTS = {
    {
      "0.30",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/130.0.0.0 Safari/537.36"
    },
    {
      "0.18",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
          + " like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    },
    {
      "0.17",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/130.0.6723.102 Mobile Safari/537.36"
    },
    {
      "0.10",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/18.1 Safari/605.1.15"
    },
    {"0.07", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"},
    {
      "0.06",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
    },
    {
      "0.05",
      "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"
    },
    {
      "0.04",
      "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    },
    {"0.02", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
    {"0.01", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"}
  };

  final long seed;
  final int users;
  final int[] adIds = new int[ADS];
  final int[] adCampaign = new int[ADS];
  final int[] campaignIds = new int[CAMPAIGNS];
  final int[] campaignAdvertiser = new int[CAMPAIGNS];
  final int[] advertiserIds = new int[ADVERTISERS];
  final double[] clickThroughRate = new double[ADS];
  final byte[][] domainUrlPrefix = new byte[DOMAINS][];
  final byte[][] domainNames = new byte[DOMAINS][];
  final byte[][] userAgents = new byte[USER_AGENTS.length][];
  private final double[] userAgentCumulative = new double[USER_AGENTS.length];
  final ZipfSampler adPopularity = new ZipfSampler(ADS, 1.05);
  final ZipfSampler domainPopularity = new ZipfSampler(DOMAINS, 1.0);
  final ZipfSampler userActivity;
  private final byte[] userAgentOfUser;

  AdUniverse(long seed, long eventsPerDay) {
    this.seed = seed;
    this.users = (int) Math.min(50_000_000L, Math.max(10_000L, eventsPerDay / 4));
    this.userActivity = new ZipfSampler(users, 0.7);
    for (int a = 0; a < ADVERTISERS; a++) {
      advertiserIds[a] = 100 + a;
    }
    for (int c = 0; c < CAMPAIGNS; c++) {
      campaignIds[c] = 5000 + c;
      campaignAdvertiser[c] = (int) (mix(seed ^ (0xCA00_0000L + c)) >>> 33) % ADVERTISERS;
    }
    for (int ad = 0; ad < ADS; ad++) {
      adIds[ad] = 100_000 + ad;
      adCampaign[ad] = (int) (mix(seed ^ (0xAD00_0000L + ad)) >>> 33) % CAMPAIGNS;
      double u = unit(seed ^ (0xC7A0_0000L + ad));
      clickThroughRate[ad] = 0.003 + 0.02 * u * u;
    }
    Set<String> domains = new LinkedHashSet<>();
    for (long k = 0; domains.size() < DOMAINS; k++) {
      long h = mix(seed ^ (0xD0_0000_0000L + k));
      String name =
          TOPICS[(int) ((h >>> 1) % TOPICS.length)]
              + QUALIFIERS[(int) ((h >>> 13) % QUALIFIERS.length)]
              + ((h >>> 25) % 4 == 0 ? String.valueOf((h >>> 30) % 100) : "")
              + SUFFIXES[(int) ((h >>> 40) % SUFFIXES.length)];
      domains.add(name);
    }
    int index = 0;
    for (String domain : domains) {
      long h = mix(seed ^ (0xD1_0000_0000L + index));
      String host = (h % 10 < 6 ? "www." : h % 10 < 8 ? "m." : "") + domain;
      String section = SECTIONS[(int) ((h >>> 8) % SECTIONS.length)];
      domainNames[index] = domain.getBytes(StandardCharsets.US_ASCII);
      domainUrlPrefix[index] =
          ("https://" + host + "/" + section + "/").getBytes(StandardCharsets.US_ASCII);
      index++;
    }
    double cumulative = 0;
    for (int i = 0; i < USER_AGENTS.length; i++) {
      cumulative += Double.parseDouble(USER_AGENTS[i][0]);
      userAgentCumulative[i] = cumulative;
      userAgents[i] = USER_AGENTS[i][1].getBytes(StandardCharsets.US_ASCII);
    }
    userAgentOfUser = new byte[users];
    for (int user = 0; user < users; user++) {
      userAgentOfUser[user] = (byte) drawUserAgent(user);
    }
  }

  int campaignOfAd(int ad) {
    return adCampaign[ad];
  }

  int advertiserOfAd(int ad) {
    return campaignAdvertiser[adCampaign[ad]];
  }

  /** The browser a user always uses. */
  int userAgentOf(int user) {
    return userAgentOfUser[user];
  }

  private int drawUserAgent(int user) {
    double u =
        unit(seed ^ 0x0A00_0000_0000L ^ user) * userAgentCumulative[userAgentCumulative.length - 1];
    for (int i = 0; i < userAgentCumulative.length; i++) {
      if (u < userAgentCumulative[i]) {
        return i;
      }
    }
    return userAgentCumulative.length - 1;
  }

  /** How many addresses (home, work, mobile) a user is seen from: 1 to 3. */
  int addressesOf(int user) {
    return 1 + (int) ((mix(seed ^ 0x1B00_0000_0000L ^ user) >>> 40) % 3);
  }

  /** A public IPv4 address of one of a user's places. */
  int addressOf(int user, int slot) {
    int h = (int) mix(seed ^ 0x1C00_0000_0000L ^ ((long) user << 2 | slot));
    int first = 11 + ((h >>> 24) & 0xFF) % 212;
    if (first == 127 || first == 172 || first == 192 || first == 100) {
      first++;
    }
    return first << 24 | (h & 0x00FF_FFFF);
  }

  /** The user id as the ad server logs it: 16 hex digits, unique per user. */
  long userIdOf(int user) {
    return mix(seed ^ 0x2D00_0000_0000L ^ user);
  }

  /** The ad tracker's own cookie for a user: another id space, to be mapped later. */
  long trackerCookieOf(int user) {
    return mix(seed ^ 0x3E00_0000_0000L ^ user);
  }
}
