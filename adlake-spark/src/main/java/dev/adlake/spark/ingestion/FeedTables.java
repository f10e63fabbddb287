package dev.adlake.spark.ingestion;

import dev.adlake.core.feed.Column;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedSchema;
import dev.adlake.core.feed.SchemaEvolution;
import dev.adlake.core.job.Domain;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake tables of a feed: its table (the feed's columns, the event-time column named {@code
 * event_time}, and lineage columns) and its rejects table.
 */
public final class FeedTables {
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

  /**
   * The feed's table and rejects table as the table catalog declares them; the table's columns are
   * those of the schema, when known (a feed that infers its schema knows it at its first load).
   */
  /**
   * The column names that hold a person's id in the feeds' files, by convention: a feed's table
   * holds user-level data in each of them, found and erased by it.
   */
  public static final Set<String> USER_ID_COLUMNS =
      Set.of("user_id", "partner_id", "cookie_id", "customer_user_id");

  public static List<TableDefinition> definitions(Feed feed, Optional<FeedSchema> schema) {
    List<TableColumn> columns = new ArrayList<>();
    schema.ifPresent(
        known -> {
          columns.addAll(LakeTables.columns(rowSchema(feed, known)));
          if (feed.schema().isEmpty() && feed.evolution() == SchemaEvolution.RESCUE) {
            columns.add(new TableColumn(FileLoader.RESCUED, "STRING", true));
          }
        });
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("format-version", "2");
    properties.put("commit.retry.num-retries", "20");
    // Exact bounds on the key let a newer version of a file replace its rows.
    properties.put("write.metadata.metrics.column._object_key", "full");
    properties.put("adlake.feed", feed.name());
    properties.put("adlake.load-mode", feed.mode().name().toLowerCase(Locale.ROOT));
    TableDefinition table =
        TableDefinition.lake(
                feed.table(),
                Domain.INGESTION,
                "Rows of feed %s (%s files under %s, %s), each with its load, file and line"
                    .formatted(
                        feed.name(),
                        feed.format().name().toLowerCase(Locale.ROOT),
                        feed.prefix(),
                        feed.mode().name().toLowerCase(Locale.ROOT).replace('_', ' ')),
                columns)
            .withProperties(properties);
    if (feed.eventTime().isPresent()) {
      table = table.partitionedBy("days(event_time)").keptBy("event_time", Retention.FOREVER);
    }
    for (TableColumn column : columns) {
      if (USER_ID_COLUMNS.contains(column.name())) {
        table = table.withUserColumn(column.name());
      }
    }
    TableDefinition rejects =
        TableDefinition.lake(
                feed.rejectsTable(),
                Domain.INGESTION,
                "Rows of feed %s that were rejected: file, line, the raw line and the reason"
                    .formatted(feed.name()),
                LakeTables.columns(rejectSchema()))
            .withProperties(
                Map.of(
                    "format-version", "2",
                    "commit.retry.num-retries", "20",
                    "adlake.feed", feed.name()))
            // A rejected line may hold any of the feed's ids: found by the text it contains.
            .withUserColumn(new UserColumn("raw_line", UserColumn.Match.CONTAINS));
    return List.of(table, rejects);
  }

  /** Creates the feed's table and rejects table unless they exist. */
  static void ensure(SparkSession spark, Feed feed, FeedSchema schema) {
    definitions(feed, Optional.of(schema)).forEach(table -> LakeTables.ensure(spark, table));
  }

  static String namespace(String table) {
    return table.substring(0, table.lastIndexOf('.'));
  }
}
