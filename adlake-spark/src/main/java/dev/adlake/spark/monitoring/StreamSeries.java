package dev.adlake.spark.monitoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.adlake.core.anomaly.HourlyCounts;
import dev.adlake.core.anomaly.SeriesKey;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The streams' hourly series for the anomaly check, by the hour the records reached Kafka: each
 * source's events ({@code events of source bids} is the bid volume) and its failed records (whose
 * share of the events is the failed-event ratio).
 */
final class StreamSeries {
  /** Events may happen this long before they arrive and still count in the hours read. */
  private static final Duration LATENESS = Duration.ofDays(1);

  private final SparkSession spark;
  private final EventsTables tables;

  StreamSeries(SparkSession spark, EventsTables tables) {
    this.spark = spark;
    this.tables = tables;
  }

  /** The hour after the newest complete hour of events: the hour being filled is left out. */
  Optional<Instant> end() {
    if (!spark.catalog().tableExists(tables.events())) {
      return Optional.empty();
    }
    Row newest = spark.table(tables.events()).agg(max("kafka_timestamp")).first();
    if (newest.isNullAt(0)) {
      return Optional.empty();
    }
    return Optional.of(newest.getTimestamp(0).toInstant().truncatedTo(ChronoUnit.HOURS));
  }

  /**
   * Adds the series of {@code [from, to)} to the map.
   *
   * @return the first hour with events
   */
  Optional<Instant> read(Instant from, Instant to, Map<SeriesKey, HourlyCounts> series) {
    Dataset<Row> events =
        spark
            .table(tables.events())
            // The table is partitioned by the events' day: this bound prunes it.
            .where(col("event_time").geq(lit(Timestamp.from(from.minus(LATENESS)))));
    Instant first = add(events, "events", from, to, series);
    if (spark.catalog().tableExists(tables.failedEvents())) {
      add(spark.table(tables.failedEvents()), "failed", from, to, series);
    }
    return Optional.ofNullable(first);
  }

  private static Instant add(
      Dataset<Row> rows,
      String metric,
      Instant from,
      Instant to,
      Map<SeriesKey, HourlyCounts> series) {
    Instant first = null;
    for (Row row :
        rows.where(
                col("kafka_timestamp")
                    .geq(lit(Timestamp.from(from)))
                    .and(col("kafka_timestamp").lt(lit(Timestamp.from(to)))))
            .groupBy(date_trunc("hour", col("kafka_timestamp")).as("hour"), col("source"))
            .agg(count(lit(1)))
            .collectAsList()) {
      Instant hour = row.getTimestamp(0).toInstant();
      first = first == null || hour.isBefore(first) ? hour : first;
      series
          .computeIfAbsent(
              new SeriesKey(metric, "source " + row.getString(1)), key -> new HourlyCounts())
          .put(hour, row.getLong(2));
    }
    return first;
  }
}
