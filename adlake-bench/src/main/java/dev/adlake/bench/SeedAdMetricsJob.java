package dev.adlake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark job of the ad-metric design (seed 001), written as its pseudocode says, as the peer the
 * hourly rollup is measured against: drop duplicate rows, truncate the timestamp to the hour, then
 * {@code ad_metrics} (distinct impression ids, clicks, distinct IPs per ad and hour) and {@code
 * users} (the distinct ad, hour and user id rows).
 */
final class SeedAdMetricsJob {
  /** The ad-server TSV columns, as the design's job reads them with {@code spark.read.csv}. */
  static final StructType FILE_SCHEMA =
      new StructType()
          .add("ad_id", DataTypes.IntegerType)
          .add("campaign_id", DataTypes.IntegerType)
          .add("advertiser_id", DataTypes.IntegerType)
          .add("timestamp", DataTypes.TimestampType)
          .add("impression_id", DataTypes.StringType)
          .add("ip", DataTypes.StringType)
          .add("user_id", DataTypes.StringType)
          .add("event", DataTypes.StringType)
          .add("url", DataTypes.StringType)
          .add("user_agent", DataTypes.StringType);

  /** The two outputs the design inserts into PostgreSQL. */
  record Outputs(Dataset<Row> adMetrics, Dataset<Row> users) {}

  private SeedAdMetricsJob() {}

  /** The seed's {@code spark.read.csv(messages)}: the given TSV files, no header. */
  static Dataset<Row> readFiles(SparkSession spark, List<String> files) {
    return spark
        .read()
        .option("sep", "\t")
        .option("header", "false")
        .schema(FILE_SCHEMA)
        .csv(files.toArray(String[]::new));
  }

  /** The rows of the ad-server events table as the files have them: lineage columns left out. */
  static Dataset<Row> fromTable(Dataset<Row> table) {
    return table.select(
        col("ad_id"),
        col("campaign_id"),
        col("advertiser_id"),
        col("event_time").as("timestamp"),
        col("impression_id"),
        col("ip"),
        col("user_id"),
        col("event"),
        col("url"),
        col("user_agent"));
  }

  /**
   * The design's job on event rows of {@link #FILE_SCHEMA}.
   *
   * @return {@code ad_metrics} ({@code ad_id, hour, total_impressions, total_clicks,
   *     total_sessions}) and {@code users} ({@code ad_id, hour, user_id}), not yet computed
   */
  static Outputs run(Dataset<Row> events) {
    Dataset<Row> dataset = events.distinct(); // drop duplicates
    dataset = truncateTimestamp(dataset);
    Dataset<Row> adMetrics =
        dataset
            .groupBy(col("ad_id"), col("hour"))
            .agg(
                count_distinct(col("impression_id")).as("total_impressions"),
                sum(when(col("event").equalTo("click"), lit(1)).otherwise(lit(0)))
                    .as("total_clicks"),
                count_distinct(col("ip")).as("total_sessions"));
    Dataset<Row> users = dataset.select(col("ad_id"), col("hour"), col("user_id")).distinct();
    return new Outputs(adMetrics, users);
  }

  /** The same schema with the timestamp truncated to the hour and renamed {@code hour}. */
  private static Dataset<Row> truncateTimestamp(Dataset<Row> dataset) {
    return dataset
        .withColumn("timestamp", date_trunc("hour", col("timestamp")))
        .withColumnRenamed("timestamp", "hour");
  }
}
