package dev.adlake.spark.cookiemapping;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import java.util.function.IntConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A second, independent distributed connected components for checking {@link LocalUnionComponents}:
 * the alternating large-star and small-star rounds of Kiveris et al., "Connected Components in
 * MapReduce and Beyond" (SoCC 2014), which converge in O(log² n) rounds of joins and aggregations,
 * never collecting the graph. Each component is labelled by its smallest id. Each round's edges are
 * checkpointed locally, so the plan stays one round deep.
 *
 * <p>Edges are kept undirected as (u, v) with u &gt; v. At the end every edge links a node to its
 * component's smallest id.
 */
final class StarComponents {
  private static final String U = "u";
  private static final String V = "v";

  private StarComponents() {}

  /**
   * The component of every node of the edges.
   *
   * @param edges columns {@code src} and {@code dst}, both long ids; self-edges add a node alone
   * @param rounds told the number of each finished round, for progress
   * @return columns {@code id} and {@code component} (the smallest id of its component)
   */
  static Dataset<Row> of(Dataset<Row> edges, IntConsumer rounds) {
    Dataset<Row> nodes =
        edges
            .select(col("src").as("id"))
            .union(edges.select(col("dst").as("id")))
            .distinct()
            .localCheckpoint();
    Dataset<Row> current =
        edges
            .where(col("src").notEqual(col("dst")))
            .select(greatest(col("src"), col("dst")).as(U), least(col("src"), col("dst")).as(V))
            .distinct()
            .localCheckpoint();
    int round = 0;
    while (true) {
      Dataset<Row> next = smallStar(largeStar(current).localCheckpoint()).localCheckpoint();
      round++;
      rounds.accept(round);
      boolean same = next.count() == current.count() && next.exceptAll(current).isEmpty();
      current = next;
      if (same) {
        break;
      }
    }
    Dataset<Row> labels = current.select(col(U).as("id"), col(V).as("component"));
    return nodes
        .join(labels, "id", "left")
        .select(col("id"), coalesce(col("component"), col("id")).as("component"));
  }

  /**
   * Each node x links its larger neighbours to the smallest of its neighbourhood and itself: for
   * (x, y) with y &gt; x, the edge (y, m(x)).
   */
  static Dataset<Row> largeStar(Dataset<Row> edges) {
    Dataset<Row> both =
        edges
            .select(col(U).as("x"), col(V).as("y"))
            .union(edges.select(col(V).as("x"), col(U).as("y")));
    Dataset<Row> smallest = both.groupBy("x").agg(least(min(col("y")), col("x")).as("m"));
    return both.join(smallest, "x")
        .where(col("y").gt(col("x")))
        .select(col("y").as(U), col("m").as(V))
        .distinct();
  }

  /**
   * Each node x links itself and its smaller neighbours to the smallest of them: for (x, y) with y
   * &lt; x and m the smallest such y, the edges (x, m) and (y, m) for y ≠ m.
   */
  static Dataset<Row> smallStar(Dataset<Row> edges) {
    Dataset<Row> smallest = edges.groupBy(U).agg(min(col(V)).as("m"));
    Dataset<Row> joined = edges.join(smallest, U);
    return joined
        .where(col(V).notEqual(col("m")))
        .select(col(V).as(U), col("m").as(V))
        .union(smallest.select(col(U), col("m").as(V)))
        .distinct();
  }
}
