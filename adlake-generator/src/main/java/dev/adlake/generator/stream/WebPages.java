package dev.adlake.generator.stream;

import dev.adlake.generator.ZipfSampler;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Page addresses on a set of publisher sites, with paths, campaign (UTM) parameters on a share of
 * them, and the referrers visitors come from. Sites sit under multi-label public suffixes as well
 * as simple ones, on www., m. and other hosts, so a domain breakdown has something to get right.
 * Every address is an absolute https URL with a host, valid for {@link java.net.URI}.
 */
final class WebPages {
  /** Publisher hosts, most popular first. */
  static final List<String> HOSTS =
      List.of(
          "www.example.com",
          "m.example.com",
          "www.example.co.uk",
          "example.co.uk",
          "news.example.de",
          "shop.example.com.au",
          "www.example.com.au",
          "www.example.fr",
          "m.example.org",
          "blog.example.net",
          "www.example.co.jp",
          "sport.example.com.br",
          "www.example.es",
          "recipes.example.ca",
          "www.example.it",
          "m.example.co.uk");

  /** Share of pages with campaign parameters. */
  static final double UTM_SHARE = 0.2;

  private static final String[] SECTIONS = {
    "news", "sport", "tech", "travel", "recipes", "money", "style", "weather", "video", "culture"
  };
  private static final String[] WORDS = {
    "winter", "storm", "budget", "election", "match", "review", "guide", "best", "new", "phone",
    "cheap", "flights", "recipe", "soup", "markets", "rally", "coach", "transfer", "museum", "city",
    "deals", "holiday", "gift", "ideas", "trail", "running", "shoes", "laptop", "energy", "prices"
  };
  private static final String[] SEARCH_TERMS = {
    "black+friday+deals", "weather+tomorrow", "football+scores", "cheap+flights+lisbon",
    "pumpkin+soup", "laptop+review", "caf%C3%A9+near+me", "winter+jackets"
  };
  private static final String[] PRODUCT_COLORS = {"black", "blue", "red", "grey"};
  private static final String[] UTM_SOURCES = {
    "google", "facebook", "newsletter", "twitter", "instagram", "partner_site"
  };
  private static final String[] UTM_MEDIUMS = {"cpc", "social", "email", "display", "affiliate"};
  private static final String[] UTM_CAMPAIGNS = {
    "black_friday", "Black%20Friday", "cyber-monday", "winter_sale_2026",
    "Holiday%20Gifts%202026", "newsletter%2011%2F2026", "brand", "retargeting"
  };
  private static final String[] SEARCH_REFERRERS = {
    "https://www.google.com/",
    "https://www.google.co.uk/",
    "https://www.google.de/",
    "https://www.google.com.au/",
    "https://www.bing.com/search?q=black+friday&form=QBLH",
    "https://duckduckgo.com/",
    "https://search.yahoo.com/",
    "https://www.ecosia.org/search?q=weather"
  };
  private static final String[] SOCIAL_REFERRERS = {
    "https://www.facebook.com/",
    "https://l.facebook.com/",
    "https://m.facebook.com/",
    "https://t.co/",
    "https://www.reddit.com/r/news/",
    "https://l.instagram.com/",
    "https://www.linkedin.com/",
    "https://www.pinterest.com/"
  };

  private final ZipfSampler hostPopularity = new ZipfSampler(HOSTS.size(), 1.0);

  int host(SplittableRandom random) {
    return hostPopularity.sample(random);
  }

  /** A page on a host: home, section, article, search or product page, UTM parameters on some. */
  String page(int host, SplittableRandom random) {
    StringBuilder url = new StringBuilder(128).append("https://").append(HOSTS.get(host));
    String section = SECTIONS[random.nextInt(SECTIONS.length)];
    double kind = random.nextDouble();
    boolean hasQuery = false;
    if (kind < 0.05) {
      url.append('/');
    } else if (kind < 0.15) {
      url.append('/').append(section).append('/');
    } else if (kind < 0.75) {
      int month = 1 + random.nextInt(12);
      url.append('/').append(section).append("/2026/").append(month < 10 ? "0" : "").append(month);
      url.append('/');
      slug(url, random).append('-').append(100_000 + random.nextInt(900_000));
    } else if (kind < 0.88) {
      url.append('/').append(section).append('/');
      slug(url, random).append(".html");
    } else if (kind < 0.94) {
      url.append("/search?q=").append(SEARCH_TERMS[random.nextInt(SEARCH_TERMS.length)]);
      hasQuery = true;
    } else {
      url.append("/shop/product/")
          .append(10_000 + random.nextInt(90_000))
          .append("?color=")
          .append(PRODUCT_COLORS[random.nextInt(PRODUCT_COLORS.length)])
          .append("&size=m");
      hasQuery = true;
    }
    if (random.nextDouble() < UTM_SHARE) {
      url.append(hasQuery ? '&' : '?')
          .append("utm_source=")
          .append(UTM_SOURCES[random.nextInt(UTM_SOURCES.length)])
          .append("&utm_medium=")
          .append(UTM_MEDIUMS[random.nextInt(UTM_MEDIUMS.length)])
          .append("&utm_campaign=")
          .append(UTM_CAMPAIGNS[random.nextInt(UTM_CAMPAIGNS.length)]);
    }
    return url.toString();
  }

  /** Where a visitor came from: nothing (typed, app, privacy settings), search, social or site. */
  String referrer(int host, SplittableRandom random) {
    double kind = random.nextDouble();
    if (kind < 0.35) {
      return null;
    }
    if (kind < 0.65) {
      return SEARCH_REFERRERS[random.nextInt(SEARCH_REFERRERS.length)];
    }
    if (kind < 0.80) {
      return SOCIAL_REFERRERS[random.nextInt(SOCIAL_REFERRERS.length)];
    }
    return page(host, random);
  }

  /** A page path without scheme and host: what some trackers send by mistake. */
  static String pathOf(String url) {
    int start = url.indexOf('/', "https://".length());
    return start < 0 ? "/" : url.substring(start);
  }

  private static StringBuilder slug(StringBuilder url, SplittableRandom random) {
    int words = 2 + random.nextInt(4);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        url.append('-');
      }
      url.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return url;
  }
}
