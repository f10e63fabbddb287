package dev.adlake.generator.browsing;

import dev.adlake.core.taxonomy.ContentTaxonomy;
import dev.adlake.core.taxonomy.ContentTaxonomy.Category;
import dev.adlake.generator.ZipfSampler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The web the partners see: domains, each with one true Tier 2 category of the Content Taxonomy and
 * power-law traffic, and people, each with a few interests, who mostly browse sites of their
 * interests. Co-visitation therefore carries the categories, as in real traffic, and so do the
 * words of a site's pages, drawn from its category's vocabulary, which overlaps with its Tier 1
 * siblings', with a few other categories' and with words every site uses.
 *
 * <p>Most domain names are opaque (made of syllables with no meaning); a share carries a word of
 * its category's name, as "travelinsider" does, so that accuracy can be measured where the name
 * gives nothing away.
 */
public final class BrowsingUniverse {
  /** Share of a person's page views on sites of their interests. */
  static final double INTEREST_SHARE = 0.8;

  /** Share of domains whose name carries a word of their category. */
  static final double NAMED_SHARE = 0.2;

  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ren", "tos", "vel", "dra", "pin", "zu", "qua", "bex", "nor", "ti", "sal",
    "mur", "fen", "gio", "hax", "jul", "ko", "lyn", "mox", "nib", "or", "pra", "quo", "ris", "sev",
    "tav", "ul", "vor", "wen", "xi", "yal", "zer", "bo", "cav", "dun", "eph", "fro"
  };
  private static final String[] SUFFIXES = {
    ".com", ".com", ".com", ".net", ".co.uk", ".de", ".io", ".fr", ".com.au", ".org"
  };
  private static final int OWN_WORDS = 14;
  private static final int TIER1_WORDS = 18;
  private static final int BORROWED_WORDS = 6;
  private static final int COMMON_WORDS = 120;

  /** One website. */
  public record Domain(int index, String name, Category category, int classIndex, boolean opaque) {}

  /** One person: our user id and the partners' ids for them. */
  public record Person(
      int index,
      String userId,
      String sharethisId,
      String thirtyThreeAcrossId,
      long xandrId,
      int[] interests,
      boolean seenBySharethis,
      boolean seenByThirtyThreeAcross,
      long agentHash) {}

  /**
   * One page view: who, at which partner, where and when.
   *
   * @param sharethis whether ShareThis saw it (else 33Across)
   * @param referrer the referring page, empty when none
   */
  public record PageView(
      Person person,
      boolean sharethis,
      Domain site,
      String[] words,
      String url,
      String referrer,
      long epochMillis) {}

  private static final String[] REFERRERS = {
    "https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/",
    "https://www.facebook.com/", "https://t.co/", "https://www.reddit.com/"
  };

  private final List<Category> classes;
  private final List<Domain> domains;
  private final int[][] domainsOfClass;
  private final ZipfSampler[] withinClass;
  private final ZipfSampler globalPopularity;
  private final ZipfSampler classPopularity;
  private final ZipfSampler activity;
  private final List<Person> people;
  private final String[][] ownWords;
  private final String[][] tier1Words;
  private final String[][] borrowedWords;
  private final String[] commonWords;

  public BrowsingUniverse(BrowsingOptions options) {
    SplittableRandom random = new SplittableRandom(options.seed() ^ 0xB20_5E5L);
    ContentTaxonomy taxonomy = ContentTaxonomy.shipped();
    List<Category> tops = new ArrayList<>();
    for (Category top : taxonomy.tier1()) {
      if (taxonomy.tier2Of(top.id()).size() >= 3) {
        tops.add(top);
      }
    }
    shuffle(tops, random);
    tops = tops.subList(0, Math.min(options.tier1Categories(), tops.size()));
    classes = new ArrayList<>();
    for (Category top : tops) {
      classes.addAll(taxonomy.tier2Of(top.id()));
    }

    Set<String> used = new HashSet<>();
    commonWords = words(COMMON_WORDS, random, used);
    ownWords = new String[classes.size()][];
    for (int c = 0; c < classes.size(); c++) {
      ownWords[c] = words(OWN_WORDS, random, used);
    }
    String[][] topWords = new String[tops.size()][];
    for (int t = 0; t < tops.size(); t++) {
      topWords[t] = words(TIER1_WORDS, random, used);
    }
    tier1Words = new String[classes.size()][];
    borrowedWords = new String[classes.size()][];
    for (int c = 0; c < classes.size(); c++) {
      int top = indexOfTop(tops, classes.get(c));
      tier1Words[c] = topWords[top];
      String[] borrowed = new String[BORROWED_WORDS];
      for (int w = 0; w < BORROWED_WORDS; w++) {
        String[] other = ownWords[random.nextInt(classes.size())];
        borrowed[w] = other[random.nextInt(other.length)];
      }
      borrowedWords[c] = borrowed;
    }

    // Domains: rank = index (0 is the most popular), a class drawn by class popularity.
    classPopularity = new ZipfSampler(classes.size(), 0.7);
    int[] classOfClassRank = shuffledIndexes(classes.size(), random);
    domains = new ArrayList<>(options.domains());
    Set<String> names = new HashSet<>();
    int[] perClass = new int[classes.size()];
    for (int d = 0; d < options.domains(); d++) {
      int c = d < classes.size() ? d : classOfClassRank[classPopularity.sample(random)];
      boolean opaque = random.nextDouble() >= NAMED_SHARE;
      String name;
      int attempt = 0;
      do {
        // Names taken grow a syllable every few tries: two or three syllables make some 500,000
        // names, and a web of millions needs more.
        name = domainName(opaque ? null : classes.get(c), attempt++ / 3, random);
      } while (!names.add(name));
      domains.add(new Domain(d, name, classes.get(c), c, opaque));
      perClass[c]++;
    }
    domainsOfClass = new int[classes.size()][];
    for (int c = 0; c < classes.size(); c++) {
      domainsOfClass[c] = new int[perClass[c]];
      perClass[c] = 0;
    }
    for (Domain domain : domains) {
      int c = domain.classIndex();
      domainsOfClass[c][perClass[c]++] = domain.index();
    }
    withinClass = new ZipfSampler[classes.size()];
    for (int c = 0; c < classes.size(); c++) {
      withinClass[c] = new ZipfSampler(domainsOfClass[c].length, 1.0);
    }
    globalPopularity = new ZipfSampler(domains.size(), 1.0);

    people = new ArrayList<>(options.users());
    activity = new ZipfSampler(options.users(), 0.6);
    for (int p = 0; p < options.users(); p++) {
      int count = 1 + random.nextInt(3);
      int[] interests = new int[count];
      for (int i = 0; i < count; i++) {
        interests[i] = classOfClassRank[classPopularity.sample(random)];
      }
      double seen = random.nextDouble();
      boolean sharethis = seen < 0.75;
      boolean tt = seen >= 0.45;
      people.add(
          new Person(
              p,
              hex(random.nextLong()),
              "st" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36),
              uuid(random),
              (random.nextLong() & Long.MAX_VALUE) % 9_000_000_000_000_000L + 1_000_000_000L,
              interests,
              sharethis,
              tt,
              random.nextLong()));
    }
  }

  /** The Tier 2 categories the domains fall into. */
  public List<Category> classes() {
    return classes;
  }

  public List<Domain> domains() {
    return domains;
  }

  public List<Person> people() {
    return people;
  }

  /** A person, weighted by how much each browses. */
  public Person person(SplittableRandom random) {
    return people.get(activity.sample(random));
  }

  /** A site the person visits: mostly one of their interests, else any, by popularity. */
  public Domain site(Person person, SplittableRandom random) {
    if (random.nextDouble() < INTEREST_SHARE) {
      int c = person.interests()[random.nextInt(person.interests().length)];
      return domains.get(domainsOfClass[c][withinClass[c].sample(random)]);
    }
    return domains.get(globalPopularity.sample(random));
  }

  /**
   * The words of a page of a site: mostly its category's own, then its Tier 1 siblings', a few
   * other categories', and words any site uses.
   */
  public String[] pageWords(Domain domain, int page) {
    SplittableRandom random = new SplittableRandom(domain.index() * 1_000_003L + page);
    int c = domain.classIndex();
    String[] words = new String[4];
    for (int w = 0; w < words.length; w++) {
      double u = random.nextDouble();
      String[] pool =
          u < 0.40
              ? ownWords[c]
              : u < 0.60 ? tier1Words[c] : u < 0.70 ? borrowedWords[c] : commonWords;
      words[w] = pool[random.nextInt(pool.length)];
    }
    return words;
  }

  /** The next page view in the hour from {@code hourMillis}: person, partner, site, page, time. */
  public PageView pageView(SplittableRandom random, long hourMillis) {
    Person person = person(random);
    boolean sharethis =
        person.seenBySharethis() && (!person.seenByThirtyThreeAcross() || random.nextBoolean());
    Domain site = site(person, random);
    int page = page(random);
    String[] words = pageWords(site, page);
    String url = url(site, page, words);
    String referrer = referrer(site, random);
    long at = hourMillis + random.nextLong(3_600_000L);
    return new PageView(person, sharethis, site, words, url, referrer, at);
  }

  private static String referrer(Domain site, SplittableRandom random) {
    double u = random.nextDouble();
    if (u < 0.35) {
      return REFERRERS[random.nextInt(REFERRERS.length)];
    }
    if (u < 0.75) {
      return "https://www." + site.name() + "/";
    }
    return "";
  }

  /** A page of the site, its number drawn so that a few pages take most views. */
  public int page(SplittableRandom random) {
    double u = random.nextDouble();
    return (int) (u * u * 200);
  }

  /** The page's address on one of the site's hosts. */
  public String url(Domain domain, int page, String[] words) {
    String host = (page % 5 == 4 ? "m." : "www.") + domain.name();
    return "https://"
        + host
        + "/"
        + words[0]
        + "/"
        + words[1]
        + "-"
        + words[2]
        + "-"
        + words[3]
        + "-"
        + page;
  }

  private static int indexOfTop(List<Category> tops, Category category) {
    for (int t = 0; t < tops.size(); t++) {
      if (tops.get(t).id().equals(category.tier1Id())) {
        return t;
      }
    }
    throw new IllegalStateException("No Tier 1 category for " + category);
  }

  private static String[] words(int count, SplittableRandom random, Set<String> used) {
    String[] words = new String[count];
    for (int w = 0; w < count; w++) {
      String word;
      do {
        word = syllables(2 + random.nextInt(2), random);
      } while (!used.add(word));
      words[w] = word;
    }
    return words;
  }

  private static String domainName(Category named, int extraSyllables, SplittableRandom random) {
    String stem = syllables(2 + random.nextInt(2) + extraSyllables, random);
    if (named != null) {
      String word = named.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", "").strip();
      word = word.contains(" ") ? word.substring(0, word.indexOf(' ')) : word;
      stem = random.nextBoolean() ? word + stem : stem + word;
    }
    return stem + SUFFIXES[random.nextInt(SUFFIXES.length)];
  }

  private static String syllables(int count, SplittableRandom random) {
    StringBuilder word = new StringBuilder();
    for (int s = 0; s < count; s++) {
      word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
    }
    return word.toString();
  }

  private static int[] shuffledIndexes(int n, SplittableRandom random) {
    int[] indexes = new int[n];
    for (int i = 0; i < n; i++) {
      indexes[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = indexes[i];
      indexes[i] = indexes[j];
      indexes[j] = swap;
    }
    return indexes;
  }

  private static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T swap = list.get(i);
      list.set(i, list.get(j));
      list.set(j, swap);
    }
  }

  private static String hex(long value) {
    return String.format("%016x", value);
  }

  private static String uuid(SplittableRandom random) {
    return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
  }
}
