package dev.adlake.spark.cookiemapping;

import dev.adlake.core.job.Domain;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake tables of the identity graph, in one namespace (the seed's {@code
 * userIdsMapperIncremental} dataset and the state the incremental runs keep):
 *
 * <ul>
 *   <li>{@code user_ids}: every id of the graph once, a node {@code (partner, id)}, with its
 *       canonical user id, region (of its first sighting), first and last seen, its number of
 *       distinct links, and whether it was set aside as a hub (more links than the limit; a hub is
 *       its own component). Partitioned by region.
 *   <li>{@code mapping_edges}: every distinct observed link once, between two node ids (smaller
 *       first), with the time it was first seen. The incremental run recomputes the components its
 *       new links touch from these.
 * </ul>
 *
 * <p>A node id is Spark's {@code xxhash64(partner, id)}: 64 bits, so two of 10 million ids collide
 * with a probability of about 3 in a million.
 */
public record IdentityTables(String namespace) {
  /** The tables of the platform's userIdsMapper. */
  public static final IdentityTables DEFAULT = new IdentityTables("identity");

  public static final StructType USER_IDS_SCHEMA =
      new StructType(
          new StructField[] {
            field("node_id", DataTypes.LongType, false),
            field("partner", DataTypes.StringType, false),
            field("id", DataTypes.StringType, false),
            field("canonical_id", DataTypes.LongType, false),
            field("region", DataTypes.StringType, false),
            field("first_seen", DataTypes.TimestampType, false),
            field("last_seen", DataTypes.TimestampType, false),
            field("links", DataTypes.IntegerType, false),
            field("set_aside", DataTypes.BooleanType, false)
          });

  public static final StructType EDGES_SCHEMA =
      new StructType(
          new StructField[] {
            field("src", DataTypes.LongType, false),
            field("dst", DataTypes.LongType, false),
            field("first_seen", DataTypes.TimestampType, false)
          });

  public String userIds() {
    return namespace + ".user_ids";
  }

  public String edges() {
    return namespace + ".mapping_edges";
  }

  /** Both tables, as the table catalog declares them. */
  public List<TableDefinition> definitions() {
    // Each task writes its own files for every region: no shuffle of millions of rows into as
    // few tasks as there are regions.
    Map<String, String> properties =
        Map.of(
            "format-version", "2",
            "write.distribution-mode", "none",
            "write.spark.fanout.enabled", "true");
    return List.of(
        TableDefinition.lake(
                userIds(),
                Domain.COOKIE_MAPPING,
                "Every id of the identity graph once, with its canonical user id (its component),"
                    + " region, first and last seen, links, and whether it is a hub set aside",
                LakeTables.columns(USER_IDS_SCHEMA))
            .partitionedBy("region")
            .keptBy("last_seen", Retention.FOREVER)
            .withUserColumn("id")
            .withProperties(properties),
        TableDefinition.lake(
                edges(),
                Domain.COOKIE_MAPPING,
                "Every distinct observed link between two ids once, with when it was first seen",
                LakeTables.columns(EDGES_SCHEMA))
            .keptBy("first_seen", Retention.FOREVER)
            .withUserColumn(new UserColumn("src", UserColumn.Match.NODE_ID))
            .withUserColumn(new UserColumn("dst", UserColumn.Match.NODE_ID))
            .withProperties(properties));
  }

  /** Creates the namespace and both tables when they do not exist. */
  public void ensure(SparkSession spark) {
    definitions().forEach(table -> LakeTables.ensure(spark, table));
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }
}
