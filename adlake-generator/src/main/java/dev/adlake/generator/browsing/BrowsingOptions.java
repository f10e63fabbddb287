package dev.adlake.generator.browsing;

import java.nio.file.Path;
import java.time.LocalDate;

/**
 * What the partner browsing generator lands and where.
 *
 * @param seed the same seed gives the same files
 * @param startDate the first hour is this day's midnight, UTC
 * @param hours hours of browsing
 * @param domains website domains, with power-law traffic
 * @param users people browsing, each seen by one or more partners
 * @param pageViews page views across both partners
 * @param xandrImpressions impressions in the Xandr log-level files
 * @param tier1Categories how many Tier 1 categories of the Content Taxonomy the sites fall into
 *     (their Tier 2 categories are the classes)
 * @param partnerLabelShare share of domains the partner's category file labels
 * @param vendorLabelShare share of domains the vendor's category file labels
 * @param partnerLabelNoise share of the partner's labels that are wrong
 * @param vendorLabelNoise share of the vendor's labels that are wrong
 * @param landing the landing zone: 33Across and Xandr deliver here, as do the category files
 * @param partnerBucket ShareThis's own bucket, which the raw ingester copies from
 * @param expected where the true answers go
 */
public record BrowsingOptions(
    long seed,
    LocalDate startDate,
    int hours,
    int domains,
    int users,
    long pageViews,
    long xandrImpressions,
    int tier1Categories,
    double partnerLabelShare,
    double vendorLabelShare,
    double partnerLabelNoise,
    double vendorLabelNoise,
    Path landing,
    Path partnerBucket,
    Path expected) {

  public BrowsingOptions {
    if (hours < 1 || domains < 10 || users < 1 || pageViews < 0 || xandrImpressions < 0) {
      throw new IllegalArgumentException(
          "Browsing needs at least 1 hour, 10 domains and 1 user; got %d hours, %d domains, %d users"
              .formatted(hours, domains, users));
    }
    if (tier1Categories < 1) {
      throw new IllegalArgumentException("At least one Tier 1 category, got " + tier1Categories);
    }
  }

  /**
   * The defaults: a small web of 2,000 domains for the quickstart, 10% of them labelled by the
   * partner and 30% by the vendor, with 15% and 20% of those labels wrong.
   */
  public static BrowsingOptions defaults(
      long seed, LocalDate startDate, Path landing, Path partnerBucket, Path expected) {
    return new BrowsingOptions(
        seed,
        startDate,
        6,
        2_000,
        8_000,
        240_000,
        40_000,
        12,
        0.10,
        0.30,
        0.15,
        0.20,
        landing,
        partnerBucket,
        expected);
  }

  public BrowsingOptions withSize(int domains, int users, long pageViews, long xandrImpressions) {
    return new BrowsingOptions(
        seed,
        startDate,
        hours,
        domains,
        users,
        pageViews,
        xandrImpressions,
        tier1Categories,
        partnerLabelShare,
        vendorLabelShare,
        partnerLabelNoise,
        vendorLabelNoise,
        landing,
        partnerBucket,
        expected);
  }
}
