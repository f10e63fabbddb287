package dev.adlake.generator.truth;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.adlake.generator.stream.FailureStage;
import dev.adlake.generator.stream.SourceTruth;
import dev.adlake.generator.stream.StreamTruth;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the events tables with the generator's truth, per source: every distinct valid event
 * once (no duplicate event id), the failed records by stage, the robots and the countries.
 */
public final class StreamTruthCheck {
  /**
   * One compared figure.
   *
   * @param what the source and the figure, e.g. "tracker events"
   */
  public record Figure(String what, long expected, long actual) {
    public boolean equal() {
      return expected == actual;
    }
  }

  /** Every compared figure; exact when all are equal. */
  public record Comparison(List<Figure> figures) {
    public boolean exact() {
      return figures.stream().allMatch(Figure::equal);
    }

    public List<Figure> differences() {
      return figures.stream().filter(figure -> !figure.equal()).toList();
    }
  }

  private StreamTruthCheck() {}

  /** Compares the tables with the truth of the events sent to these sources' topics. */
  public static Comparison compare(
      SparkSession spark, String eventsTable, String failedEventsTable, StreamTruth truth) {
    return compare(spark, eventsTable, failedEventsTable, truth, Instant.EPOCH);
  }

  /**
   * Compares the rows of records sent from a time on (by their Kafka timestamps) with the truth of
   * what was sent then, so earlier runs into the same tables do not count.
   */
  public static Comparison compare(
      SparkSession spark,
      String eventsTable,
      String failedEventsTable,
      StreamTruth truth,
      Instant sentFrom) {
    Column sent = col("kafka_timestamp").geq(lit(Timestamp.from(sentFrom)));
    List<Figure> figures = new ArrayList<>();
    Map<String, Row> events = new HashMap<>();
    spark
        .table(eventsTable)
        .where(sent)
        .groupBy("source")
        .agg(
            count(lit(1)).as("rows"),
            countDistinct(col("event_id")).as("ids"),
            sum(when(col("is_robot"), 1).otherwise(0)).as("robots"))
        .collectAsList()
        .forEach(row -> events.put(row.getString(0), row));
    Map<String, Long> failed = new HashMap<>();
    spark
        .table(failedEventsTable)
        .where(sent)
        .groupBy("source", "stage")
        .count()
        .collectAsList()
        .forEach(row -> failed.put(row.getString(0) + "/" + row.getString(1), row.getLong(2)));
    Map<String, Long> countries = new HashMap<>();
    spark
        .table(eventsTable)
        .where(sent)
        .groupBy("source", "country")
        .count()
        .collectAsList()
        .forEach(row -> countries.put(row.getString(0) + "/" + row.getString(1), row.getLong(2)));

    truth
        .sources()
        .forEach(
            (source, expected) -> {
              Row actual = events.get(source);
              figures.add(
                  new Figure(
                      source + " events", expected.distinctValidEvents(), number(actual, "rows")));
              figures.add(
                  new Figure(
                      source + " distinct event ids",
                      expected.distinctValidEvents(),
                      number(actual, "ids")));
              figures.add(
                  new Figure(source + " robots", expected.robotEvents(), number(actual, "robots")));
              for (FailureStage stage : FailureStage.values()) {
                figures.add(
                    new Figure(
                        source + " failed at " + stage.id(),
                        expected.failed(stage),
                        failed.getOrDefault(source + "/" + stage.id(), 0L)));
              }
              figures.add(
                  new Figure(
                      source + " events per country",
                      expected.distinctValidEvents(),
                      matchingCountries(source, expected, countries)));
            });
    return new Comparison(List.copyOf(figures));
  }

  /** Events whose country count equals the truth's, summed; the total when all agree. */
  private static long matchingCountries(
      String source, SourceTruth expected, Map<String, Long> countries) {
    long matching = 0;
    for (Map.Entry<String, Long> entry : expected.validEventsByCountry().entrySet()) {
      long actual = countries.getOrDefault(source + "/" + entry.getKey(), 0L);
      if (Objects.equals(actual, entry.getValue())) {
        matching += actual;
      }
    }
    long unexpected =
        countries.entrySet().stream()
            .filter(entry -> entry.getKey().startsWith(source + "/"))
            .filter(
                entry -> {
                  String country = entry.getKey().substring(source.length() + 1);
                  return !expected
                      .validEventsByCountry()
                      .containsKey("null".equals(country) ? null : country);
                })
            .mapToLong(Map.Entry::getValue)
            .sum();
    return matching - unexpected;
  }

  private static long number(Row row, String field) {
    return row == null ? 0 : ((Number) row.getAs(field)).longValue();
  }
}
