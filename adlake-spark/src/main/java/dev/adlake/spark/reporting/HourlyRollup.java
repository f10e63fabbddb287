package dev.adlake.spark.reporting;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.adlake.core.sketch.HllSketches;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The hourly rollup per ad: a plain function from event rows to rollup rows, so it can be tested
 * and timed apart from the job that reads and writes tables.
 *
 * <p>Impressions are the distinct impression ids of impression events and clicks the distinct
 * impression ids of click events, so an event delivered twice counts once; sessions are distinct
 * IPs and users distinct user ids over both; conversions are distinct conversion ids. All are
 * exact. Beside the exact sessions and users, HLL sketches of them merge over any range.
 */
public final class HourlyRollup {
  /** The columns of a rollup row, in the lake's {@code reporting.ad_hourly} and the server's. */
  public static final StructType SCHEMA =
      new StructType()
          .add("hour", DataTypes.TimestampType, false)
          .add("ad_id", DataTypes.IntegerType, false)
          .add("campaign_id", DataTypes.IntegerType, false)
          .add("advertiser_id", DataTypes.IntegerType, false)
          .add("impressions", DataTypes.LongType, false)
          .add("clicks", DataTypes.LongType, false)
          .add("conversions", DataTypes.LongType, false)
          .add("sessions", DataTypes.LongType, false)
          .add("users", DataTypes.LongType, false)
          .add("sessions_sketch", DataTypes.BinaryType, false)
          .add("users_sketch", DataTypes.BinaryType, false);

  /** What {@link AdHourAggregator} returns, before conversions join in. */
  static final StructType AGGREGATED =
      new StructType()
          .add("hour_index", DataTypes.LongType, false)
          .add("ad_id", DataTypes.IntegerType, false)
          .add("campaign_id", DataTypes.IntegerType, false)
          .add("advertiser_id", DataTypes.IntegerType, false)
          .add("impressions", DataTypes.LongType, false)
          .add("clicks", DataTypes.LongType, false)
          .add("sessions", DataTypes.LongType, false)
          .add("users", DataTypes.LongType, false)
          .add("sessions_sketch", DataTypes.BinaryType, false)
          .add("users_sketch", DataTypes.BinaryType, false);

  private HourlyRollup() {}

  /** Hours since the epoch of a timestamp column. */
  static Column hourIndex(Column time) {
    return floor(unix_seconds(time).divide(3600)).cast("long");
  }

  /**
   * @param events ad-server events: {@code event_time}, {@code ad_id}, {@code campaign_id}, {@code
   *     advertiser_id}, {@code impression_id}, {@code ip}, {@code user_id}, {@code event} ({@code
   *     impression} or {@code click}; other events are ignored)
   * @param conversions {@code event_time}, {@code ad_id}, {@code campaign_id}, {@code
   *     advertiser_id}, {@code conversion_id}
   * @param partitions shuffle partitions of the aggregation
   * @return rows of {@link #SCHEMA}, one per ad and hour with any event or conversion
   */
  public static Dataset<Row> rollup(Dataset<Row> events, Dataset<Row> conversions, int partitions) {
    Dataset<Row> narrow =
        events
            .where(col("event").isin("impression", "click"))
            .select(
                hourIndex(col("event_time")).as("hour_index"),
                col("ad_id"),
                col("campaign_id"),
                col("advertiser_id"),
                col("event").equalTo("click").as("click"),
                xxhash64(col("impression_id")).as("impression"),
                hashOrNull(col("ip")).as("ip"),
                hashOrNull(col("user_id")).as("user"));
    Dataset<Row> aggregated =
        narrow
            .repartition(partitions, col("hour_index"), col("ad_id"))
            .mapPartitions(new AdHourAggregator(), Encoders.row(AGGREGATED));
    Dataset<Row> converted =
        conversions
            .groupBy(hourIndex(col("event_time")).as("hour_index"), col("ad_id"))
            .agg(
                count_distinct(col("conversion_id")).as("conversions"),
                first(col("campaign_id"), true).as("conversion_campaign_id"),
                first(col("advertiser_id"), true).as("conversion_advertiser_id"));
    byte[] empty = HllSketches.empty();
    return aggregated
        .join(converted, new String[] {"hour_index", "ad_id"}, "full_outer")
        .select(
            expr("timestamp_seconds(hour_index * 3600)").as("hour"),
            col("ad_id"),
            coalesce(col("campaign_id"), col("conversion_campaign_id")).as("campaign_id"),
            coalesce(col("advertiser_id"), col("conversion_advertiser_id")).as("advertiser_id"),
            coalesce(col("impressions"), lit(0L)).as("impressions"),
            coalesce(col("clicks"), lit(0L)).as("clicks"),
            coalesce(col("conversions"), lit(0L)).as("conversions"),
            coalesce(col("sessions"), lit(0L)).as("sessions"),
            coalesce(col("users"), lit(0L)).as("users"),
            coalesce(col("sessions_sketch"), lit(empty)).as("sessions_sketch"),
            coalesce(col("users_sketch"), lit(empty)).as("users_sketch"))
        .where(col("campaign_id").isNotNull().and(col("advertiser_id").isNotNull()));
  }

  private static Column hashOrNull(Column value) {
    return when(value.isNotNull(), xxhash64(value));
  }
}
