package dev.adlake.generator.serving;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.table.EntityLevel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exact answers for data written by {@link ServingDataGenerator}: totals and true distinct
 * counts of any ad, campaign or advertiser over any range of whole hours, and daily breakdowns,
 * recounted from the same simulated impressions the generator rolled up.
 */
public final class ServingDataTruth {
  private final ServingDataGenerator.Options options;
  private final SimulatedTraffic traffic;
  private final Instant firstHour;

  ServingDataTruth(ServingDataGenerator.Options options, SimulatedTraffic traffic) {
    this.options = options;
    this.traffic = traffic;
    this.firstHour = options.startDate().atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * Exact figures of an entity over a range, with the true number of distinct users and IPs.
   *
   * @param impressions impressions served
   * @param clicks clicks
   * @param conversions conversions
   * @param users distinct users
   * @param sessions distinct IPs
   */
  public record Totals(
      long impressions, long clicks, long conversions, long users, long sessions) {}

  /** Impressions and clicks of one value of a dimension. */
  public record DimensionTotals(String value, long impressions, long clicks) {}

  public ServingDataGenerator.Options options() {
    return options;
  }

  /** The first generated hour (the start of the first day). */
  public Instant firstHour() {
    return firstHour;
  }

  /** The end of the generated data, exclusive. */
  public Instant endHour() {
    return firstHour.plus(Duration.ofHours(traffic.hours()));
  }

  public List<Integer> advertiserIds() {
    List<Integer> ids = new ArrayList<>();
    for (int advertiser = 0; advertiser < traffic.advertisers(); advertiser++) {
      ids.add(SimulatedTraffic.advertiserId(advertiser));
    }
    return ids;
  }

  /** The campaigns of an advertiser. */
  public List<Integer> campaignIds(int advertiserId) {
    List<Integer> ids = new ArrayList<>();
    for (int campaign = 0; campaign < traffic.campaigns(); campaign++) {
      if (SimulatedTraffic.advertiserId(traffic.advertiserOf(campaign)) == advertiserId) {
        ids.add(SimulatedTraffic.campaignId(campaign));
      }
    }
    return ids;
  }

  /** The ads an entity covers: itself for an ad, its ads for a campaign or an advertiser. */
  public List<Integer> adIds(EntityLevel level, int id) {
    List<Integer> ids = new ArrayList<>();
    for (int ad : adIndexes(level, id)) {
      ids.add(SimulatedTraffic.adId(ad));
    }
    return ids;
  }

  /** The campaign of an ad. */
  public int campaignOfAd(int adId) {
    return SimulatedTraffic.campaignId(traffic.campaignOf(adIndex(adId)));
  }

  /** The advertiser of a campaign. */
  public int advertiserOfCampaign(int campaignId) {
    return SimulatedTraffic.advertiserId(
        traffic.advertiserOf(campaignId - SimulatedTraffic.FIRST_CAMPAIGN_ID));
  }

  /** Exact totals of an entity over [from, to), both whole UTC hours. */
  public Totals totals(EntityLevel level, int id, Instant from, Instant to) {
    requireNonNull(level, "level is null");
    int firstHourIndex = hourIndex(from);
    int endHourIndex = hourIndex(to);
    long[] figures = new long[3];
    Set<Long> users = new HashSet<>();
    Set<Long> ips = new HashSet<>();
    for (int ad : adIndexes(level, id)) {
      for (int hour = firstHourIndex; hour < endHourIndex; hour++) {
        traffic.simulate(
            ad,
            hour,
            (userHash, ipHash, site, device, clicked, converted) -> {
              figures[0]++;
              figures[1] += clicked ? 1 : 0;
              figures[2] += converted ? 1 : 0;
              users.add(userHash);
              ips.add(ipHash);
            });
      }
    }
    return new Totals(figures[0], figures[1], figures[2], users.size(), ips.size());
  }

  /**
   * Exact impressions and clicks by value of a dimension (site_domain or device_type) of a campaign
   * or an advertiser over the days [from, to), most impressions first.
   */
  public List<DimensionTotals> breakdown(
      String dimension, EntityLevel level, int id, LocalDate from, LocalDate to) {
    boolean site =
        switch (dimension) {
          case "site_domain" -> true;
          case "device_type" -> false;
          default -> throw new InvalidInputException("Unknown dimension '%s'".formatted(dimension));
        };
    String[] names = site ? SimulatedTraffic.SITE_DOMAINS : SimulatedTraffic.DEVICE_TYPES;
    long[] impressions = new long[names.length];
    long[] clicks = new long[names.length];
    int firstHourIndex = hourIndex(from.atStartOfDay(ZoneOffset.UTC).toInstant());
    int endHourIndex = hourIndex(to.atStartOfDay(ZoneOffset.UTC).toInstant());
    for (int ad : adIndexes(level, id)) {
      for (int hour = firstHourIndex; hour < endHourIndex; hour++) {
        traffic.simulate(
            ad,
            hour,
            (userHash, ipHash, siteIndex, device, clicked, converted) -> {
              int value = site ? siteIndex : device;
              impressions[value]++;
              clicks[value] += clicked ? 1 : 0;
            });
      }
    }
    Map<String, DimensionTotals> byValue = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (impressions[i] > 0) {
        byValue.put(names[i], new DimensionTotals(names[i], impressions[i], clicks[i]));
      }
    }
    List<DimensionTotals> sorted = new ArrayList<>(byValue.values());
    sorted.sort(
        (a, b) ->
            a.impressions() != b.impressions()
                ? Long.compare(b.impressions(), a.impressions())
                : a.value().compareTo(b.value()));
    return sorted;
  }

  private int hourIndex(Instant instant) {
    long hours = Duration.between(firstHour, instant).toHours();
    return (int) Math.max(0, Math.min(traffic.hours(), hours));
  }

  private int adIndex(int adId) {
    int ad = adId - SimulatedTraffic.FIRST_AD_ID;
    if (ad < 0 || ad >= traffic.ads()) {
      throw new InvalidInputException("No generated ad %d".formatted(adId));
    }
    return ad;
  }

  private List<Integer> adIndexes(EntityLevel level, int id) {
    List<Integer> ads = new ArrayList<>();
    switch (level) {
      case AD -> ads.add(adIndex(id));
      case CAMPAIGN -> {
        for (int ad = 0; ad < traffic.ads(); ad++) {
          if (SimulatedTraffic.campaignId(traffic.campaignOf(ad)) == id) {
            ads.add(ad);
          }
        }
      }
      case ADVERTISER -> {
        for (int ad = 0; ad < traffic.ads(); ad++) {
          int advertiser = traffic.advertiserOf(traffic.campaignOf(ad));
          if (SimulatedTraffic.advertiserId(advertiser) == id) {
            ads.add(ad);
          }
        }
      }
    }
    return ads;
  }
}
