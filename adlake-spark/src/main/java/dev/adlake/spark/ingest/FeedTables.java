package dev.adlake.spark.ingest;

import dev.adlake.core.feed.Column;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedSchema;
import dev.adlake.core.feed.SchemaEvolution;
import dev.adlake.spark.LakeNamespaces;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake tables of a feed: its table (the feed's columns, the event-time column named {@code
 * event_time}, and lineage columns) and its rejects table.
 */
final class FeedTables {
  /** The load that wrote a row. */
  static final String LOAD_ID = "_load_id";

  /** The landing key of the file a row came from. */
  static final String OBJECT_KEY = "_object_key";

  /** The row's line in that file. */
  static final String LINE = "_line";

  /** Snapshot-summary property naming the load a commit belongs to: the exactly-once marker. */
  static final String LOAD_PROPERTY = "adlake.load-id";

  private FeedTables() {}

  /** The name a feed column has in the table. */
  static String tableColumn(Feed feed, String column) {
    return feed.eventTime().filter(column::equals).isPresent() ? "event_time" : column;
  }

  /** The Spark schema of rows as written: the feed's columns, then the lineage columns. */
  static StructType rowSchema(Feed feed, FeedSchema schema) {
    List<StructField> fields = new ArrayList<>();
    for (Column column : schema.columns()) {
      fields.add(
          DataTypes.createStructField(
              tableColumn(feed, column.name()), sparkType(column), !column.required()));
    }
    fields.add(DataTypes.createStructField(LOAD_ID, DataTypes.LongType, false));
    fields.add(DataTypes.createStructField(OBJECT_KEY, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(LINE, DataTypes.LongType, false));
    return DataTypes.createStructType(fields);
  }

  static StructType rejectSchema() {
    return new StructType()
        .add(LOAD_ID, DataTypes.LongType, false)
        .add(OBJECT_KEY, DataTypes.StringType, false)
        .add("line", DataTypes.LongType, false)
        .add("raw_line", DataTypes.StringType, true)
        .add("reason", DataTypes.StringType, false);
  }

  static DataType sparkType(Column column) {
    return switch (column.type()) {
      case STRING -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case BIGINT -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case DECIMAL -> DataTypes.createDecimalType(column.precision(), column.scale());
      case BOOLEAN -> DataTypes.BooleanType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampType;
    };
  }

  /** Creates the feed's table and rejects table unless they exist. */
  static void ensure(SparkSession spark, Feed feed, FeedSchema schema) {
    boolean rescues = feed.schema().isEmpty() && feed.evolution() == SchemaEvolution.RESCUE;
    LakeNamespaces.ensure(spark, namespace(feed.table()));
    StringBuilder columns = new StringBuilder();
    for (StructField field : rowSchema(feed, schema).fields()) {
      if (!columns.isEmpty()) {
        columns.append(", ");
      }
      columns
          .append('`')
          .append(field.name())
          .append("` ")
          .append(field.dataType().sql().toLowerCase(Locale.ROOT));
    }
    if (rescues) {
      columns.append(", `").append(FileLoader.RESCUED).append("` string");
    }
    String partitioning = feed.eventTime().isPresent() ? " PARTITIONED BY (days(event_time))" : "";
    spark.sql(
        ("CREATE TABLE IF NOT EXISTS %s (%s) USING iceberg%s TBLPROPERTIES ('format-version'='2',"
                + " 'commit.retry.num-retries'='20',"
                // Exact bounds on the key let a newer version of a file replace its rows.
                + " 'write.metadata.metrics.column._object_key'='full',"
                + " 'adlake.feed'='%s', 'adlake.load-mode'='%s')")
            .formatted(
                feed.table(),
                columns,
                partitioning,
                feed.name(),
                feed.mode().name().toLowerCase(Locale.ROOT)));
    spark.sql(
        ("CREATE TABLE IF NOT EXISTS %s (%s BIGINT, %s STRING, line BIGINT, raw_line STRING,"
                + " reason STRING) USING iceberg TBLPROPERTIES ('format-version'='2',"
                + " 'commit.retry.num-retries'='20', 'adlake.feed'='%s')")
            .formatted(feed.rejectsTable(), LOAD_ID, OBJECT_KEY, feed.name()));
  }

  static String namespace(String table) {
    return table.substring(0, table.lastIndexOf('.'));
  }
}
