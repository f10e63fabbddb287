package dev.adlake.bench;

import dev.adlake.generator.browsing.BrowsingOptions;
import dev.adlake.generator.browsing.PageViewEvents;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The generator's partner page views ({@link PageViewEvents}) as a DataFrame in the events table's
 * columns, generated in Spark tasks: what the classification benchmark and its test read.
 */
public final class GeneratedPageViews {
  private GeneratedPageViews() {}

  /** The columns of {@link PageViewEvents#COLUMNS}, with their types. */
  public static final StructType SCHEMA = schema();

  private static StructType schema() {
    StructType schema = new StructType();
    for (String column : PageViewEvents.COLUMNS) {
      schema =
          schema.add(
              column,
              column.equals("event_time") ? DataTypes.TimestampType : DataTypes.StringType,
              !column.equals("source") && !column.equals("event_id"));
    }
    return schema;
  }

  /** {@code views} page views of the options' web in {@code tasks} Spark tasks. */
  public static Dataset<Row> generate(
      SparkSession spark, BrowsingOptions options, long views, int tasks) {
    PageViewEvents.Web web = PageViewEvents.web(options);
    MapPartitionsFunction<Long, Row> rows =
        indexes -> {
          if (!indexes.hasNext()) {
            return java.util.Collections.emptyIterator();
          }
          Iterator<Object[]> task =
              PageViewEvents.task(web, (int) (long) indexes.next(), tasks, views);
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return task.hasNext();
            }

            @Override
            public Row next() {
              return RowFactory.create(task.next());
            }
          };
        };
    return spark.range(0, tasks, 1, tasks).mapPartitions(rows, Encoders.row(SCHEMA));
  }
}
