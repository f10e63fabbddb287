package dev.adlake.generator.truth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.generator.browsing.BrowsingGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the partners' batch feeds in the lake with the generator's true answers: per Xandr
 * advertiser, impressions, clicks and the sum of media cost; and the number of labels in the
 * partner's and the vendor's category tables.
 */
public final class PartnerTruthCheck {
  /** The figures compared, each as "name: lake vs truth", and those that differ. */
  public record Comparison(List<String> figures, List<String> differences) {
    public boolean exact() {
      return differences.isEmpty();
    }
  }

  private PartnerTruthCheck() {}

  /**
   * @param xandrTable the Xandr standard feed's table
   * @param partnerTable the partner's domain categories
   * @param vendorTable the vendor's domain categories
   * @param expected the generator's expected folder
   */
  public static Comparison compare(
      SparkSession spark,
      String xandrTable,
      String partnerTable,
      String vendorTable,
      Path expected) {
    JsonNode summary = read(expected.resolve("browsing").resolve(BrowsingGenerator.SUMMARY_FILE));
    Map<String, String> truth = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> advertisers =
        summary.path("xandr").path("by_advertiser").fields();
    while (advertisers.hasNext()) {
      Map.Entry<String, JsonNode> advertiser = advertisers.next();
      JsonNode t = advertiser.getValue();
      truth.put(
          "xandr advertiser " + advertiser.getKey(),
          t.path("impressions").asLong()
              + " impressions, "
              + t.path("clicks").asLong()
              + " clicks, cost "
              + new BigDecimal(t.path("media_cost_cpm_sum").asText())
                  .stripTrailingZeros()
                  .toPlainString());
    }
    truth.put("partner labels", Long.toString(summary.path("partner_labels").asLong()));
    truth.put("vendor labels", Long.toString(summary.path("vendor_labels").asLong()));

    Map<String, String> lake = new TreeMap<>();
    for (Row row :
        spark
            .sql(
                "SELECT advertiser_id, count(*), sum(clicks), sum(media_cost_dollars_cpm) FROM "
                    + xandrTable
                    + " GROUP BY advertiser_id")
            .collectAsList()) {
      lake.put(
          "xandr advertiser " + row.getInt(0),
          row.getLong(1)
              + " impressions, "
              + row.getLong(2)
              + " clicks, cost "
              + row.getDecimal(3).stripTrailingZeros().toPlainString());
    }
    lake.put("partner labels", Long.toString(spark.table(partnerTable).count()));
    lake.put("vendor labels", Long.toString(spark.table(vendorTable).count()));

    List<String> figures = new ArrayList<>();
    List<String> differences = new ArrayList<>();
    TreeMap<String, String> names = new TreeMap<>(truth);
    names.putAll(lake);
    for (String name : names.keySet()) {
      String expectedValue = truth.getOrDefault(name, "none");
      String actualValue = lake.getOrDefault(name, "none");
      String figure = name + ": " + actualValue + " vs " + expectedValue;
      figures.add(figure);
      if (!expectedValue.equals(actualValue)) {
        differences.add(figure);
      }
    }
    return new Comparison(figures, differences);
  }

  /**
   * Compares the partners' page views in the events table with the truth: per partner, the events
   * of its source and the distinct event ids among them (every page view once).
   *
   * @param sources the events table's source of each partner, as {@code sharethis -> st}
   */
  public static Comparison events(
      SparkSession spark, String eventsTable, Map<String, String> sources, Path expected) {
    JsonNode views =
        read(expected.resolve("browsing").resolve(BrowsingGenerator.SUMMARY_FILE))
            .path("page_views");
    List<String> figures = new ArrayList<>();
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, String> partner : sources.entrySet()) {
      long truth = views.path(partner.getKey()).asLong();
      Row row =
          spark
              .sql(
                  "SELECT count(*), count(DISTINCT event_id) FROM %s WHERE source = '%s'"
                      .formatted(eventsTable, partner.getValue()))
              .first();
      String figure =
          "%s page views: %d events (%d distinct) vs %d"
              .formatted(partner.getKey(), row.getLong(0), row.getLong(1), truth);
      figures.add(figure);
      if (row.getLong(0) != truth || row.getLong(1) != truth) {
        differences.add(figure);
      }
    }
    return new Comparison(figures, differences);
  }

  private static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the truth " + file, e);
    }
  }
}
