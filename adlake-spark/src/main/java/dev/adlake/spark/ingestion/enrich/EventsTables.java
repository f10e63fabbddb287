package dev.adlake.spark.ingestion.enrich;

import dev.adlake.core.job.Domain;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake tables of the event streams in one namespace: {@code events}, every enriched event once,
 * partitioned by event day and source; {@code mappings}, every cookie-sync mapping of the {@value
 * dev.adlake.core.stream.StreamTopics#MAPPING} source once, its user id pseudonymized like the
 * events', partitioned by event day; and {@code failed_events}, every record the enricher could not
 * parse, validate or enrich, with its raw payload, the stage and the reason, partitioned by arrival
 * day.
 */
public record EventsTables(String namespace) {
  /** The tables of the platform's enricher. */
  public static final EventsTables DEFAULT = new EventsTables("streams");

  /** The columns of the events table, in order; also the fields of the enriched-topic JSON. */
  public static final StructType EVENT_SCHEMA =
      new StructType(
          new StructField[] {
            field("source", DataTypes.StringType, false),
            field("event_id", DataTypes.StringType, false),
            field("event_type", DataTypes.StringType, false),
            field("event_time", DataTypes.TimestampType, false),
            field("user_id", DataTypes.StringType, true),
            field("ip", DataTypes.StringType, false),
            field("country", DataTypes.StringType, true),
            field("region", DataTypes.StringType, true),
            field("city", DataTypes.StringType, true),
            field("device_class", DataTypes.StringType, true),
            field("os_name", DataTypes.StringType, true),
            field("os_version", DataTypes.StringType, true),
            field("browser_name", DataTypes.StringType, true),
            field("browser_version", DataTypes.StringType, true),
            field("is_robot", DataTypes.BooleanType, true),
            field("user_agent", DataTypes.StringType, true),
            field("page_url", DataTypes.StringType, true),
            field("page_host", DataTypes.StringType, true),
            field("page_domain", DataTypes.StringType, true),
            field("page_path", DataTypes.StringType, true),
            field("utm_source", DataTypes.StringType, true),
            field("utm_medium", DataTypes.StringType, true),
            field("utm_campaign", DataTypes.StringType, true),
            field("utm_term", DataTypes.StringType, true),
            field("utm_content", DataTypes.StringType, true),
            field("referrer_url", DataTypes.StringType, true),
            field("referrer_host", DataTypes.StringType, true),
            field("referrer_domain", DataTypes.StringType, true),
            field("ad_slot", DataTypes.StringType, true),
            field("floor_price_micros", DataTypes.LongType, true),
            field("kafka_topic", DataTypes.StringType, false),
            field("kafka_partition", DataTypes.IntegerType, false),
            field("kafka_offset", DataTypes.LongType, false),
            field("kafka_timestamp", DataTypes.TimestampType, false)
          });

  /**
   * The columns of the mappings table, in order; also the fields of the {@code enriched-mapping}
   * JSON. The fields of {@link dev.adlake.core.identity.MappingEvent} and the Kafka position.
   */
  public static final StructType MAPPING_SCHEMA =
      new StructType(
          new StructField[] {
            field("event_id", DataTypes.StringType, false),
            field("event_time", DataTypes.TimestampType, false),
            field("partner", DataTypes.StringType, false),
            field("partner_id", DataTypes.StringType, false),
            field("user_id", DataTypes.StringType, false),
            field("region", DataTypes.StringType, false),
            field("origin", DataTypes.StringType, false),
            field("kafka_topic", DataTypes.StringType, false),
            field("kafka_partition", DataTypes.IntegerType, false),
            field("kafka_offset", DataTypes.LongType, false),
            field("kafka_timestamp", DataTypes.TimestampType, false)
          });

  /** The columns of the failed-events table, in order; also the fields of the failed-topic JSON. */
  public static final StructType FAILED_SCHEMA =
      new StructType(
          new StructField[] {
            field("source", DataTypes.StringType, false),
            field("stage", DataTypes.StringType, false),
            field("reason", DataTypes.StringType, false),
            field("payload", DataTypes.BinaryType, true),
            field("kafka_topic", DataTypes.StringType, false),
            field("kafka_partition", DataTypes.IntegerType, false),
            field("kafka_offset", DataTypes.LongType, false),
            field("kafka_timestamp", DataTypes.TimestampType, false)
          });

  public String events() {
    return namespace + ".events";
  }

  public String mappings() {
    return namespace + ".mappings";
  }

  public String failedEvents() {
    return namespace + ".failed_events";
  }

  /** The three tables, as the table catalog declares them. */
  public List<TableDefinition> definitions() {
    // Micro-batches are small: no shuffle before the write, a writer per partition instead.
    Map<String, String> properties =
        Map.of(
            "format-version", "2",
            "write.distribution-mode", "none",
            "write.spark.fanout.enabled", "true",
            "write.parquet.compression-level", "1");
    return List.of(
        TableDefinition.lake(
                events(),
                Domain.INGESTION,
                "Every enriched event of the ingested-<source> topics once: geography, user agent,"
                    + " URL parts, pseudonymised user id",
                LakeTables.columns(EVENT_SCHEMA))
            .partitionedBy("days(event_time)", "source")
            .keptBy("event_time", Retention.FOREVER)
            .withUserColumn(UserColumn.pseudonym("user_id"))
            .withProperties(properties),
        TableDefinition.lake(
                mappings(),
                Domain.INGESTION,
                "Every cookie-sync mapping of ingested-mapping once, our id pseudonymised",
                LakeTables.columns(MAPPING_SCHEMA))
            .partitionedBy("days(event_time)")
            .keptBy("event_time", Retention.FOREVER)
            .withUserColumn(UserColumn.pseudonym("user_id"))
            .withUserColumn("partner_id")
            .withProperties(properties),
        TableDefinition.lake(
                failedEvents(),
                Domain.INGESTION,
                "Every record the enricher could not parse, validate or enrich: payload, stage,"
                    + " reason",
                LakeTables.columns(FAILED_SCHEMA))
            .partitionedBy("days(kafka_timestamp)")
            .keptBy("kafka_timestamp", Retention.days(30))
            // A failed record's payload may hold the user's id: found by the text.
            .withUserColumn(new UserColumn("payload", UserColumn.Match.CONTAINS))
            .withProperties(properties));
  }

  /** Creates the namespace and the three tables when they do not exist. */
  public void ensure(SparkSession spark) {
    definitions().forEach(table -> LakeTables.ensure(spark, table));
  }

  private static StructField field(
      String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }
}
