package dev.adlake.bench;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.reporting.HourlyRollup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The ad-metric design's job and the hourly rollup agree on a generated day: the seed's
 * total_impressions, total_clicks, total_sessions and distinct users rows equal the rollup's
 * impressions, clicks, sessions and users for every hour and ad, as {@code adlake bench rollup}
 * checks at scale.
 */
class SeedAdMetricsJobIT {
  @Test
  void seedJobAndHourlyRollupCountTheSame() throws Exception {
    SparkSession spark = TestPlatform.get().spark();
    Path root = TestPlatform.get().config().home().resolve("seed-metrics-it");
    AdDataGenerator.generate(
        new GeneratorOptions(
            5L,
            LocalDate.of(2026, 11, 1),
            1,
            20_000,
            root.resolve("landing"),
            root.resolve("expected"),
            2),
        (done, total) -> {});
    List<String> files;
    try (Stream<Path> walk =
        Files.walk(root.resolve("landing").resolve(BuiltInFeeds.ADSERVER_EVENTS))) {
      files = walk.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
    }
    Dataset<Row> read = SeedAdMetricsJob.readFiles(spark, files);
    // As ingestion rejects them, the rollup's input has no malformed lines.
    Dataset<Row> events =
        read.where(
                col("ad_id")
                    .isNotNull()
                    .and(col("campaign_id").isNotNull())
                    .and(col("advertiser_id").isNotNull())
                    .and(col("timestamp").isNotNull())
                    .and(col("impression_id").isNotNull())
                    .and(col("event").isNotNull()))
            .withColumnRenamed("timestamp", "event_time");
    Dataset<Row> noConversions =
        spark.sql(
            "SELECT CAST(NULL AS TIMESTAMP) AS event_time, 0 AS ad_id, 0 AS campaign_id,"
                + " 0 AS advertiser_id, 'none' AS conversion_id WHERE false");

    long[] compared =
        RollupBenchmark.compare(
            SeedAdMetricsJob.run(SeedAdMetricsJob.fromTable(events)),
            HourlyRollup.rollup(events, noConversions, 4));

    long truthRows;
    try (Stream<String> lines =
        Files.lines(root.resolve("expected").resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE))) {
      truthRows = lines.skip(1).filter(line -> !line.isBlank()).count();
    }
    assertThat(compared[0]).as("rows compared").isPositive().isLessThanOrEqualTo(truthRows);
    assertThat(compared[1]).as("rows identical").isEqualTo(compared[0]);
  }
}
