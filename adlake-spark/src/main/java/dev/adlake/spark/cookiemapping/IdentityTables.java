package dev.adlake.spark.cookiemapping;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.job.Domain;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.common.PseudonymGenerations;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
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

  /**
   * The inputs among those named that the graph has not read to their end: the snapshot each was
   * last read at (recorded by {@link UserIdsMapperJob}) is not its current one. A rotation of the
   * pseudonym key needs none behind among the inputs it rewrites, since an incremental run cannot
   * read across a rewrite.
   */
  public List<String> behind(SparkSession spark, Collection<String> inputs) {
    if (!spark.catalog().tableExists(userIds())) {
      return List.of();
    }
    Snapshot last = LakeTables.load(spark, userIds()).currentSnapshot();
    if (last == null) {
      return List.of();
    }
    List<String> behind = new ArrayList<>();
    for (String input : inputs) {
      String read = last.summary().get(UserIdsMapperJob.INPUT_PROPERTY_PREFIX + input);
      if (read == null || !spark.catalog().tableExists(input)) {
        continue;
      }
      Snapshot current = LakeTables.load(spark, input).currentSnapshot();
      if (current != null && current.snapshotId() != Long.parseLong(read)) {
        behind.add("%s (read to snapshot %s, now %d)".formatted(input, read, current.snapshotId()));
      }
    }
    return behind;
  }

  /**
   * Rewrites the graph after a rotation of the pseudonym key: each of our ids (partner {@value
   * MappingEvent#OUR_PARTNER}) gets the new layer, and with it a new node id, which the links and
   * canonical ids follow; partners' ids stay. The components stay the same. The links go first,
   * then the ids, each in one commit marked with the generation, so a rerun after a crash rewrites
   * only what is left. The ids' commit keeps what the incremental runs recorded, with the rewritten
   * inputs and the links read to their new snapshots.
   *
   * @param layer the new key's pseudonym of a pseudonym, as a column function
   * @param rewrittenInputs the input tables rewritten to the same generation before
   * @return the rows rewritten
   */
  public long rotatePseudonyms(
      SparkSession spark, UserDefinedFunction layer, int generation, Set<String> rewrittenInputs) {
    if (!spark.catalog().tableExists(userIds()) || !spark.catalog().tableExists(edges())) {
      return 0;
    }
    Table ids = LakeTables.load(spark, userIds());
    Table links = LakeTables.load(spark, edges());
    if (ids.currentSnapshot() == null) {
      return 0;
    }
    Column ours = col("partner").equalTo(lit(MappingEvent.OUR_PARTNER));
    Dataset<Row> moved =
        spark
            .table(userIds())
            .where(ours)
            .select(
                col("node_id").as("old_node"),
                MappingGraphs.nodeId(col("partner"), layer.apply(col("id"))).as("new_node"))
            .localCheckpoint();
    long rewritten = 0;
    if (!PseudonymGenerations.reached(links, generation)) {
      Dataset<Row> edges = spark.table(edges());
      Column src = coalesce(col("a.new_node"), col("e.src"));
      Column dst = coalesce(col("b.new_node"), col("e.dst"));
      Dataset<Row> rows =
          edges
              .as("e")
              .join(moved.as("a"), col("e.src").equalTo(col("a.old_node")), "left")
              .join(moved.as("b"), col("e.dst").equalTo(col("b.old_node")), "left")
              .select(least(src, dst).as("src"), greatest(src, dst).as("dst"), col("e.first_seen"));
      rewritten += edges.count();
      LakeTables.replaceAll(rows, edges(), PseudonymGenerations.summary(generation));
      PseudonymGenerations.mark(links, generation);
    }
    if (!PseudonymGenerations.reached(ids, generation)) {
      links.refresh();
      Map<String, String> summary = new LinkedHashMap<>();
      ids.currentSnapshot()
          .summary()
          .forEach(
              (key, value) -> {
                if (key.startsWith("adlake.")) {
                  summary.put(key, value);
                }
              });
      for (String input : rewrittenInputs) {
        String key = UserIdsMapperJob.INPUT_PROPERTY_PREFIX + input;
        if (summary.containsKey(key)) {
          summary.put(
              key, String.valueOf(LakeTables.load(spark, input).currentSnapshot().snapshotId()));
        }
      }
      summary.put(
          UserIdsMapperJob.LINKS_PROPERTY, String.valueOf(links.currentSnapshot().snapshotId()));
      summary.putAll(PseudonymGenerations.summary(generation));
      Dataset<Row> current = spark.table(userIds());
      rewritten += current.count();
      Column isOurs = col("u.partner").equalTo(lit(MappingEvent.OUR_PARTNER));
      Dataset<Row> rows =
          current
              .as("u")
              .join(moved.as("n"), col("u.node_id").equalTo(col("n.old_node")), "left")
              .join(moved.as("c"), col("u.canonical_id").equalTo(col("c.old_node")), "left")
              .select(
                  coalesce(col("n.new_node"), col("u.node_id")).as("node_id"),
                  col("u.partner"),
                  when(isOurs, layer.apply(col("u.id"))).otherwise(col("u.id")).as("id"),
                  coalesce(col("c.new_node"), col("u.canonical_id")).as("canonical_id"),
                  col("u.region"),
                  col("u.first_seen"),
                  col("u.last_seen"),
                  col("u.links"),
                  col("u.set_aside"));
      LakeTables.replaceAll(rows, userIds(), summary);
      PseudonymGenerations.mark(ids, generation);
    }
    return rewritten;
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }
}
