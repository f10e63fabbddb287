package dev.adlake.generator.truth;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.generator.browsing.BrowsingGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The domain classification against the generator's truth ({@code expected/browsing/domains.csv}).
 *
 * <ul>
 *   <li>On the domains no source labels and whose names carry no category word: Tier 1 and Tier 2
 *       accuracy weighted by Xandr impressions, beside a baseline that has no model (the most
 *       common category of the vendor's file for every such domain) and beside the clusters' labels
 *       alone.
 *   <li>On the labelled domains: each source's accuracy on the domains it labels, beside the
 *       combined answer's on the same domains.
 * </ul>
 */
public final class ClassificationTruthCheck {
  /** Targets of the unlabelled, opaque domains, weighted by impressions. */
  public static final double TIER1_TARGET = 0.90;

  public static final double TIER2_TARGET = 0.75;

  private ClassificationTruthCheck() {}

  /** Accuracy of one answer on a set of domains. */
  public record Accuracy(long domains, double weight, double tier1, double tier2) {
    @Override
    public String toString() {
      return "Tier 1 %.3f, Tier 2 %.3f".formatted(tier1, tier2);
    }
  }

  /**
   * @param unlabelled the combined answer on the unlabelled opaque domains (impression-weighted)
   * @param clustersAlone the clusters' labels alone on the same domains
   * @param baseline the most common category of the vendor's file on the same domains
   * @param coverage the share of those domains' impressions that got an answer
   * @param bySource per source (partner, vendor), its accuracy on the domains it labels and the
   *     combined answer's on them (not weighted)
   */
  public record Report(
      Accuracy unlabelled,
      Accuracy clustersAlone,
      Accuracy baseline,
      double coverage,
      Map<String, Accuracy[]> bySource) {
    /** Whether the targets hold: accuracy on unlabelled domains, combined beats every source. */
    public boolean meetsTargets() {
      return unlabelled.tier1() >= TIER1_TARGET
          && unlabelled.tier2() >= TIER2_TARGET
          && bySource.values().stream().allMatch(pair -> pair[1].tier2() > pair[0].tier2());
    }

    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add(
          "unlabelled opaque domains (%,d, weighted by impressions): %s; clusters alone %s;"
                  .formatted(unlabelled.domains(), unlabelled, clustersAlone)
              + " baseline (most common category) %s; coverage %.3f".formatted(baseline, coverage));
      bySource.forEach(
          (source, pair) ->
              lines.add(
                  "domains the %s labels (%,d): %s alone %s, combined %s"
                      .formatted(source, pair[0].domains(), source, pair[0], pair[1])));
      return lines;
    }
  }

  private record Truth(
      String tier1,
      String tier2,
      boolean opaque,
      long impressions,
      String partner,
      String vendor) {}

  /**
   * Compares the categories table (columns {@code domain, iab_tier1_id, iab_tier2_id,
   * cluster_tier2_id}) with the truth under {@code expected}.
   */
  public static Report compare(SparkSession spark, String categoriesTable, Path expected) {
    Map<String, Truth> truth = readTruth(expected);
    Map<String, String[]> answers = new HashMap<>();
    for (Row row :
        spark
            .table(categoriesTable)
            .select("domain", "iab_tier1_id", "iab_tier2_id", "cluster_tier2_id")
            .collectAsList()) {
      answers.put(
          row.getString(0), new String[] {row.getString(1), row.getString(2), row.getString(3)});
    }
    Map<String, Long> vendorCounts = new HashMap<>();
    Map<String, String> tier1Of = new HashMap<>();
    truth
        .values()
        .forEach(
            t -> {
              tier1Of.put(t.tier2(), t.tier1());
              if (!t.vendor().isEmpty()) {
                vendorCounts.merge(t.vendor(), 1L, Long::sum);
              }
            });
    String common =
        vendorCounts.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse("");
    Tally combined = new Tally();
    Tally clusters = new Tally();
    Tally baseline = new Tally();
    double answered = 0;
    double total = 0;
    Map<String, Tally[]> sources = new java.util.LinkedHashMap<>();
    sources.put("partner", new Tally[] {new Tally(), new Tally()});
    sources.put("vendor", new Tally[] {new Tally(), new Tally()});
    for (Map.Entry<String, Truth> entry : truth.entrySet()) {
      Truth t = entry.getValue();
      String[] answer = answers.get(entry.getKey());
      String tier1 = answer == null ? null : answer[0];
      String tier2 = answer == null ? null : answer[1];
      if (t.partner().isEmpty() && t.vendor().isEmpty()) {
        if (t.opaque() && t.impressions() > 0) {
          double w = t.impressions();
          total += w;
          answered += answer == null ? 0 : w;
          combined.add(w, t.tier1().equals(tier1), t.tier2().equals(tier2));
          String cluster = answer == null ? null : answer[2];
          clusters.add(
              w,
              cluster != null && t.tier1().equals(tier1Of.get(cluster)),
              t.tier2().equals(cluster));
          baseline.add(w, t.tier1().equals(tier1Of.get(common)), t.tier2().equals(common));
        }
        continue;
      }
      if (!t.partner().isEmpty()) {
        Tally[] pair = sources.get("partner");
        pair[0].add(1, t.tier1().equals(tier1Of.get(t.partner())), t.tier2().equals(t.partner()));
        pair[1].add(1, t.tier1().equals(tier1), t.tier2().equals(tier2));
      }
      if (!t.vendor().isEmpty()) {
        Tally[] pair = sources.get("vendor");
        pair[0].add(1, t.tier1().equals(tier1Of.get(t.vendor())), t.tier2().equals(t.vendor()));
        pair[1].add(1, t.tier1().equals(tier1), t.tier2().equals(tier2));
      }
    }
    Map<String, Accuracy[]> bySource = new java.util.LinkedHashMap<>();
    sources.forEach(
        (source, pair) ->
            bySource.put(source, new Accuracy[] {pair[0].accuracy(), pair[1].accuracy()}));
    return new Report(
        combined.accuracy(),
        clusters.accuracy(),
        baseline.accuracy(),
        total == 0 ? 0 : answered / total,
        bySource);
  }

  private static final class Tally {
    long domains;
    double weight;
    double tier1;
    double tier2;

    void add(double w, boolean rightTier1, boolean rightTier2) {
      domains++;
      weight += w;
      tier1 += rightTier1 ? w : 0;
      tier2 += rightTier2 ? w : 0;
    }

    Accuracy accuracy() {
      return new Accuracy(
          domains, weight, weight == 0 ? 0 : tier1 / weight, weight == 0 ? 0 : tier2 / weight);
    }
  }

  private static Map<String, Truth> readTruth(Path expected) {
    Path file = expected.resolve("browsing").resolve(BrowsingGenerator.DOMAINS_TRUTH_FILE);
    Map<String, Truth> truth = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || !header.startsWith("domain,tier1_id,tier2_id,opaque")) {
        throw new IllegalStateException("Not the domains truth file: " + file);
      }
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",", -1);
        truth.put(
            f[0],
            new Truth(f[1], f[2], Boolean.parseBoolean(f[3]), Long.parseLong(f[5]), f[6], f[7]));
      }
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    return truth;
  }
}
