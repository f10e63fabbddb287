package dev.adlake.generator.truth;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the lake with the generator's true answers: distinct impressions per ad and hour in the
 * ad-server events table against {@code hourly_ad_metrics.csv}.
 */
public final class HourlyTruthCheck {
  /** How many (hour, ad) rows agree, of those in either side, with a few that do not. */
  public record Comparison(long rows, long matching, List<String> mismatches) {
    public boolean exact() {
      return rows == matching;
    }
  }

  private HourlyTruthCheck() {}

  /**
   * @param table the ad-server events table, with {@code event_time}, {@code ad_id}, {@code event}
   *     and {@code impression_id}
   */
  public static Comparison impressions(SparkSession spark, String table, Path expectedFile) {
    Dataset<Row> expected =
        spark
            .read()
            .option("header", "true")
            .schema(
                "hour STRING, ad_id INT, campaign_id INT, advertiser_id INT, impressions BIGINT,"
                    + " clicks BIGINT, conversions BIGINT, sessions BIGINT, users BIGINT")
            .csv(expectedFile.toString())
            .filter(col("impressions").gt(0))
            .select(col("hour"), col("ad_id"), col("impressions").as("expected"));
    Dataset<Row> actual =
        spark.sql(
            "SELECT date_format(date_trunc('HOUR', event_time), \"yyyy-MM-dd'T'HH:00:00'Z'\") AS hour,"
                + " ad_id, count(DISTINCT impression_id) AS actual FROM "
                + table
                + " WHERE event = 'impression' GROUP BY 1, 2");
    Dataset<Row> joined =
        expected
            .join(
                actual,
                expected
                    .col("hour")
                    .equalTo(actual.col("hour"))
                    .and(expected.col("ad_id").equalTo(actual.col("ad_id"))),
                "full_outer")
            .select(
                org.apache
                    .spark
                    .sql
                    .functions
                    .coalesce(expected.col("hour"), actual.col("hour"))
                    .as("hour"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .coalesce(expected.col("ad_id"), actual.col("ad_id"))
                    .as("ad_id"),
                org.apache.spark.sql.functions.coalesce(col("expected"), lit(0L)).as("expected"),
                org.apache.spark.sql.functions.coalesce(col("actual"), lit(0L)).as("actual"))
            .cache();
    try {
      long rows = joined.count();
      Dataset<Row> differing = joined.filter(col("expected").notEqual(col("actual")));
      long matching = rows - differing.count();
      List<String> mismatches =
          differing.limit(5).collectAsList().stream()
              .map(
                  row ->
                      "%s ad %d: expected %d, found %d"
                          .formatted(
                              row.getString(0), row.getInt(1), row.getLong(2), row.getLong(3)))
              .toList();
      return new Comparison(rows, matching, mismatches);
    } finally {
      joined.unpersist();
    }
  }
}
