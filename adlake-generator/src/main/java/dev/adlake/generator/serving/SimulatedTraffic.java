package dev.adlake.generator.serving;

import dev.adlake.generator.RandomDraws;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The simulated ad traffic behind {@link ServingDataGenerator}: who owns which ad, and every
 * impression of an ad in an hour, replayed identically from the seed. The generator writes its
 * rollups and {@link ServingDataTruth} recounts the same impressions, so the two always agree.
 */
public final class SimulatedTraffic {
  public static final int FIRST_AD_ID = 10_001;
  public static final int FIRST_CAMPAIGN_ID = 2_001;
  public static final int FIRST_ADVERTISER_ID = 101;
  static final String[] DEVICE_TYPES = {"mobile", "desktop", "tablet", "ctv"};
  private static final double[] DEVICE_WEIGHTS = {0.58, 0.30, 0.08, 0.04};
  static final String[] SITE_DOMAINS = siteDomains(40);

  /** Share of a day's traffic in each UTC hour: quiet at night, a peak in the evening. */
  private static final double[] HOUR_CURVE = hourCurve();

  private final ServingDataGenerator.Options options;
  private final double[] adWeight;
  private final double[] adClickRate;
  private final double[] adConversionRate;
  private final double[] siteCumulative;
  private final double[] deviceCumulative;

  SimulatedTraffic(ServingDataGenerator.Options options) {
    this.options = options;
    int ads = options.ads();
    SplittableRandom random = new SplittableRandom(options.seed());
    // Zipf-like popularity over a shuffled rank, normalised to a mean weight of 1.
    int[] rank = new int[ads];
    for (int i = 0; i < ads; i++) {
      rank[i] = i;
    }
    for (int i = ads - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = rank[i];
      rank[i] = rank[j];
      rank[j] = swap;
    }
    adWeight = new double[ads];
    double sum = 0;
    for (int i = 0; i < ads; i++) {
      adWeight[i] = 1.0 / Math.pow(rank[i] + 1, 0.8);
      sum += adWeight[i];
    }
    adClickRate = new double[ads];
    adConversionRate = new double[ads];
    for (int i = 0; i < ads; i++) {
      adWeight[i] *= ads / sum;
      adClickRate[i] = 0.004 + random.nextDouble() * 0.03;
      adConversionRate[i] = 0.02 + random.nextDouble() * 0.12;
    }
    double[] siteWeights = new double[SITE_DOMAINS.length];
    for (int i = 0; i < siteWeights.length; i++) {
      siteWeights[i] = 1.0 / (i + 1);
    }
    siteCumulative = cumulative(siteWeights);
    deviceCumulative = cumulative(DEVICE_WEIGHTS);
  }

  /** What one impression was: its user and IP hashes, its site, device, click and conversion. */
  interface ImpressionVisitor {
    void impression(
        long userHash, long ipHash, int site, int device, boolean clicked, boolean converted);
  }

  int ads() {
    return options.ads();
  }

  int campaigns() {
    return options.campaigns();
  }

  int advertisers() {
    return options.advertisers();
  }

  int hours() {
    return options.days() * 24;
  }

  /** The campaign index (0-based) of an ad index: ads are split into contiguous blocks. */
  int campaignOf(int ad) {
    return (int) ((long) ad * options.campaigns() / options.ads());
  }

  /** The advertiser index (0-based) of a campaign index. */
  int advertiserOf(int campaign) {
    return (int) ((long) campaign * options.advertisers() / options.campaigns());
  }

  static int adId(int ad) {
    return FIRST_AD_ID + ad;
  }

  static int campaignId(int campaign) {
    return FIRST_CAMPAIGN_ID + campaign;
  }

  static int advertiserId(int advertiser) {
    return FIRST_ADVERTISER_ID + advertiser;
  }

  /** Replays every impression of an ad in an hour (0 = the first hour generated). */
  void simulate(int ad, int hour, ImpressionVisitor visitor) {
    SplittableRandom random =
        new SplittableRandom(mix(options.seed() ^ mix(((long) ad << 24) + hour + 1)));
    int day = hour / 24;
    double weekly = (day % 7 == 5 || day % 7 == 6) ? 0.85 : 1.0;
    double mean =
        options.impressionsPerAdHour() * adWeight[ad] * HOUR_CURVE[hour % 24] * 24 * weekly;
    int impressions = (int) RandomDraws.poisson(random, mean);
    long users = options.users();
    for (int i = 0; i < impressions; i++) {
      long user = random.nextLong(users);
      // A user keeps an IP for a few days, so sessions (distinct IPs) outnumber users a little.
      long ip = user * 8 + (day / 3 + user) % 8;
      double draw = random.nextDouble();
      boolean clicked = draw < adClickRate[ad];
      boolean converted = clicked && random.nextDouble() < adConversionRate[ad];
      int site = pick(siteCumulative, random.nextDouble());
      int device = pick(deviceCumulative, random.nextDouble());
      visitor.impression(
          mix(user ^ 0x5DEECE66DL),
          mix(ip ^ 0x2545F4914F6CDD1DL),
          site,
          device,
          clicked,
          converted);
    }
  }

  private static int pick(double[] cumulative, double draw) {
    int index = Arrays.binarySearch(cumulative, draw);
    int position = index >= 0 ? index + 1 : -index - 1;
    return Math.min(position, cumulative.length - 1);
  }

  private static double[] cumulative(double[] weights) {
    double total = Arrays.stream(weights).sum();
    double[] cumulative = new double[weights.length];
    double running = 0;
    for (int i = 0; i < weights.length; i++) {
      running += weights[i] / total;
      cumulative[i] = running;
    }
    return cumulative;
  }

  private static double[] hourCurve() {
    double[] curve = new double[24];
    double total = 0;
    for (int h = 0; h < 24; h++) {
      curve[h] = 1.0 + 0.8 * Math.sin((h - 9) * Math.PI / 12);
      total += curve[h];
    }
    for (int h = 0; h < 24; h++) {
      curve[h] /= total;
    }
    return curve;
  }

  private static String[] siteDomains(int count) {
    String[] names = {"news", "sports", "weather", "recipes", "travel", "games", "finance", "tech"};
    String[] domains = new String[count];
    for (int i = 0; i < count; i++) {
      domains[i] = names[i % names.length] + (i / names.length + 1) + ".example.com";
    }
    return domains;
  }

  /** The SplitMix64 finalizer: a bijection, so distinct ids give distinct 64-bit hashes. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
