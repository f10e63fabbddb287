package dev.adlake.spark.cookiemapping;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.xxhash64;

import dev.adlake.core.identity.MappingEvent;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;

/**
 * The steps of the identity graph as plain functions of DataFrames, shared by the full and the
 * incremental run: observations to nodes and links, and nodes and links to components with their
 * canonical user ids.
 *
 * <p>Observations have columns {@code partner}, {@code partner_id}, {@code user_id}, {@code region}
 * and {@code seen_at}. A node is {@code xxhash64(partner, id)}; our own ids are under {@link
 * MappingEvent#OUR_PARTNER}.
 */
public final class MappingGraphs {
  /** Up to this many hubs, links are filtered by their ids; more are joined. */
  static final int FEW_HUBS = 1_000;

  private MappingGraphs() {}

  /** The rows of a user-ids table, and its figures, known from the components before the write. */
  public record UserIds(Dataset<Row> rows, IdentityFigures figures) {}

  /** The node id of a partner's id, as the tables hold it. */
  public static Column nodeId(Column partner, Column id) {
    return xxhash64(partner, id);
  }

  /**
   * Every node of the observations once: {@code node_id, partner, id, region} (of its first
   * sighting), {@code first_seen, last_seen}.
   */
  public static Dataset<Row> nodes(Dataset<Row> observations) {
    Dataset<Row> partnerSide =
        observations.select(
            nodeId(col("partner"), col("partner_id")).as("node_id"),
            col("partner"),
            col("partner_id").as("id"),
            col("region"),
            col("seen_at"));
    Dataset<Row> ourSide =
        observations.select(
            nodeId(lit(MappingEvent.OUR_PARTNER), col("user_id")).as("node_id"),
            lit(MappingEvent.OUR_PARTNER).as("partner"),
            col("user_id").as("id"),
            col("region"),
            col("seen_at"));
    return partnerSide
        .union(ourSide)
        .groupBy("node_id")
        .agg(
            min("partner").as("partner"),
            min("id").as("id"),
            min_by(col("region"), col("seen_at")).as("region"),
            min("seen_at").as("first_seen"),
            max("seen_at").as("last_seen"));
  }

  /** Every distinct link of the observations once: {@code src < dst}, {@code first_seen}. */
  public static Dataset<Row> links(Dataset<Row> observations) {
    Column partnerNode = nodeId(col("partner"), col("partner_id"));
    Column ourNode = nodeId(lit(MappingEvent.OUR_PARTNER), col("user_id"));
    return observations
        .select(
            least(partnerNode, ourNode).as("src"),
            greatest(partnerNode, ourNode).as("dst"),
            col("seen_at"))
        .groupBy("src", "dst")
        .agg(min("seen_at").as("first_seen"));
  }

  /** The number of distinct links of each node of the links: {@code node_id, links}. */
  public static Dataset<Row> linkCounts(Dataset<Row> links) {
    return links
        .select(col("src").as("node_id"))
        .union(links.select(col("dst").as("node_id")))
        .groupBy("node_id")
        .agg(count(lit(1)).cast("int").as("links"));
  }

  /**
   * The rows of the user-ids table for a closed set of nodes: every link of theirs that can merge
   * is among {@code links}. Nodes with more than {@code maxLinks} links are set aside as hubs:
   * their links merge nothing and each is its own component. Every other component's canonical user
   * id is its oldest node's: the smallest first seen, then the smallest node id. So a component
   * that did not change keeps it, and of merging components the oldest's wins.
   *
   * @param nodes {@code node_id, partner, id, region, first_seen, last_seen, links}
   * @param links {@code src, dst} among the nodes
   * @param partitions the shuffle partitions of the components' levels
   * @param levels told of each finished level
   */
  public static UserIds userIds(
      Dataset<Row> nodes,
      Dataset<Row> links,
      int maxLinks,
      int partitions,
      LocalUnionComponents.LevelListener levels) {
    return userIds(nodes, links, maxLinks, partitions, levels, broadcastIds());
  }

  /** As above, with the canonical ids broadcast when at most {@code broadcastIds} nodes moved. */
  static UserIds userIds(
      Dataset<Row> nodes,
      Dataset<Row> links,
      int maxLinks,
      int partitions,
      LocalUnionComponents.LevelListener levels,
      long broadcastIds) {
    Dataset<Row> hubs = nodes.where(col("links").gt(maxLinks)).select(col("node_id").as("hub"));
    Dataset<Row> merging;
    List<Long> few =
        hubs.limit(FEW_HUBS + 1).collectAsList().stream().map(row -> row.getLong(0)).toList();
    if (few.size() <= FEW_HUBS) {
      // A handful of hubs: a filter on each link, no join.
      Object[] ids = few.toArray();
      merging =
          links
              .where(not(col("src").isin(ids)).and(not(col("dst").isin(ids))))
              .select("src", "dst");
    } else {
      merging =
          links
              .join(broadcast(hubs), col("src").equalTo(col("hub")), "left_anti")
              .join(broadcast(hubs), col("dst").equalTo(col("hub")), "left_anti")
              .select("src", "dst");
    }
    LocalUnionComponents.Components components =
        LocalUnionComponents.first(
            merging,
            nodes.select(col("node_id").as("id"), unix_micros(col("first_seen")).as("rank")),
            partitions,
            levels);
    IdentityFigures figures =
        IdentityFigures.of(components.sizes(), few.size() <= FEW_HUBS ? few.size() : hubs.count());
    Dataset<Row> moved = components.firsts().where(col("first").notEqual(col("id")));
    Column canonicalId;
    long movedIds = figures.ids() - figures.components();
    if (movedIds <= broadcastIds) {
      // The nodes that are not their component's first, gathered into one table of primitives and
      // broadcast: the wide rows of the nodes go from the scan to the write, not shuffled.
      Broadcast<MovedIds> table =
          JavaSparkContext.fromSparkContext(nodes.sparkSession().sparkContext())
              .broadcast(gathered(moved, movedIds));
      canonicalId =
          udf((UDF1<Long, Long>) id -> table.value().get(id), DataTypes.LongType)
              .apply(col("node_id"));
    } else {
      // A hash join: the wide rows of the nodes are shuffled once and not sorted.
      Dataset<Row> canonicalOf = moved.select(col("id").as("of_node"), col("first").as("moved_to"));
      nodes =
          nodes.join(
              canonicalOf.hint("shuffle_hash"), col("node_id").equalTo(col("of_node")), "left");
      canonicalId = coalesce(col("moved_to"), col("node_id"));
    }
    Dataset<Row> rows =
        nodes.select(
            col("node_id"),
            col("partner"),
            col("id"),
            canonicalId.as("canonical_id"),
            col("region"),
            col("first_seen"),
            col("last_seen"),
            col("links"),
            col("links").gt(maxLinks).as("set_aside"));
    return new UserIds(rows, figures);
  }

  /**
   * The most moved ids gathered to the driver and broadcast: 16 bytes each as tasks' results stay
   * well under Spark's default limit of 1 GiB.
   */
  static final long MAX_BROADCAST_IDS = 20_000_000;

  /** The most moved ids broadcast: those whose table fits a sixteenth of the heap, up to a cap. */
  static long broadcastIds() {
    return Math.min(
        MAX_BROADCAST_IDS, Runtime.getRuntime().maxMemory() / 16 / MovedIds.BYTES_PER_ID);
  }

  /** The (id, first) rows gathered into one table, each partition's as one array of pairs. */
  private static MovedIds gathered(Dataset<Row> moved, long expected) {
    List<long[]> parts =
        moved
            .select(col("id"), col("first"))
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(
                rows -> {
                  long[] pairs = new long[1 << 16];
                  int count = 0;
                  while (rows.hasNext()) {
                    InternalRow row = rows.next();
                    if (count + 2 > pairs.length) {
                      pairs = Arrays.copyOf(pairs, pairs.length * 2);
                    }
                    pairs[count++] = row.getLong(0);
                    pairs[count++] = row.getLong(1);
                  }
                  return List.of(Arrays.copyOf(pairs, count)).iterator();
                })
            .collect();
    MovedIds table = new MovedIds(expected);
    for (long[] pairs : parts) {
      table.putAll(pairs, pairs.length);
    }
    return table;
  }
}
