package dev.adlake.spark.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Connected components on Spark by union-find inside each partition, then a global merge of the
 * partitions' answers, repeated on the much smaller graph of what is left to merge.
 *
 * <p>One level: every partition joins its edges with a union-find over primitive arrays and tells,
 * for each node it saw, the smallest node of the node's local component (its local root). A shuffle
 * by node brings each node's local roots together: the smallest is the node's label at this level,
 * and every other root must join it, which gives an edge (smallest, other) of the next level. The
 * next level's edges go to the partition of their smaller end, so each star of them is joined in
 * one partition. When no node has two roots, the labels are final; walking back up the levels gives
 * every node the smallest node of its component.
 *
 * <p>Memory per task is that of its partition's distinct nodes (about 40 bytes each); nothing is
 * collected to the driver. Each level is checkpointed locally, so plans stay one level deep.
 */
public final class LocalUnionComponents {
  static final StructType ROOT =
      new StructType().add("id", DataTypes.LongType, false).add("root", DataTypes.LongType, false);
  static final StructType MERGED =
      new StructType()
          .add("kind", DataTypes.ByteType, false)
          .add("a", DataTypes.LongType, false)
          .add("b", DataTypes.LongType, false);
  private static final byte LABEL = 0;
  private static final byte JOIN = 1;

  private LocalUnionComponents() {}

  /**
   * The component of every node of the edges.
   *
   * @param edges columns {@code src} and {@code dst}, both non-null long ids; a self-edge adds a
   *     node alone
   * @param partitions the shuffle partitions of each level
   * @param levels told the number of each finished level and the edges left to merge, for progress
   * @return columns {@code id} and {@code component} (the smallest id of its component)
   */
  public static Dataset<Row> of(Dataset<Row> edges, int partitions, LevelListener levels) {
    Encoder<Row> rootEncoder = Encoders.row(ROOT);
    Encoder<Row> mergedEncoder = Encoders.row(MERGED);
    Dataset<Row> level = edges.select(col("src"), col("dst"));
    List<Dataset<Row>> labels = new ArrayList<>();
    while (true) {
      Dataset<Row> merged =
          level
              .mapPartitions(new LocalRoots(), rootEncoder)
              .repartition(partitions, col("id"))
              .mapPartitions(new MergeRoots(), mergedEncoder)
              .localCheckpoint();
      labels.add(
          merged.where(col("kind").equalTo(LABEL)).select(col("a").as("id"), col("b").as("label")));
      Dataset<Row> next =
          merged.where(col("kind").equalTo(JOIN)).select(col("a").as("src"), col("b").as("dst"));
      long left = next.count();
      levels.finished(labels.size(), left);
      if (left == 0) {
        break;
      }
      level = next.repartition(partitions, col("src"));
    }
    Dataset<Row> resolved = labels.get(labels.size() - 1);
    for (int k = labels.size() - 2; k >= 0; k--) {
      Dataset<Row> above = resolved.select(col("id").as("root"), col("label").as("final"));
      Dataset<Row> here = labels.get(k);
      resolved =
          here.join(above, here.col("label").equalTo(above.col("root")), "left")
              .select(here.col("id"), coalesce(above.col("final"), here.col("label")).as("label"));
      if (k > 0) {
        resolved = resolved.localCheckpoint();
      }
    }
    return resolved.select(col("id"), col("label").as("component"));
  }

  /** Told of each finished level. */
  @FunctionalInterface
  public interface LevelListener {
    void finished(int level, long edgesLeft);
  }

  /** A partition's edges → (node, smallest node of its local component), for every node seen. */
  static final class LocalRoots implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> edges) {
      LongIndex index = new LongIndex(1 << 16);
      int[] parent = new int[1 << 16];
      while (edges.hasNext()) {
        Row edge = edges.next();
        int known = index.size();
        int a = index.indexOf(edge.getLong(0));
        if (a == known) {
          parent = added(parent, a);
        }
        known = index.size();
        int b = index.indexOf(edge.getLong(1));
        if (b == known) {
          parent = added(parent, b);
        }
        int rootA = find(parent, a);
        int rootB = find(parent, b);
        // The later-numbered root goes under the earlier: no sizes to keep, and path halving
        // keeps the trees shallow.
        if (rootA < rootB) {
          parent[rootB] = rootA;
        } else if (rootB < rootA) {
          parent[rootA] = rootB;
        }
      }
      int nodes = index.size();
      long[] smallest = new long[nodes];
      Arrays.fill(smallest, Long.MAX_VALUE);
      for (int i = 0; i < nodes; i++) {
        int root = find(parent, i);
        smallest[root] = Math.min(smallest[root], index.id(i));
      }
      int[] roots = parent;
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < nodes;
        }

        @Override
        public Row next() {
          int i = next++;
          return RowFactory.create(index.id(i), smallest[find(roots, i)]);
        }
      };
    }

    /** Makes a node just numbered its own parent. */
    private static int[] added(int[] parent, int node) {
      if (node == parent.length) {
        parent = Arrays.copyOf(parent, parent.length * 2);
      }
      parent[node] = node;
      return parent;
    }
  }

  /**
   * A partition of (node, local root) pairs, all of a node's in one partition → (label, node, its
   * smallest root) and (join, smallest root, other root) for each other root.
   */
  static final class MergeRoots implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> pairs) {
      LongIndex index = new LongIndex(1 << 16);
      long[] smallest = new long[1 << 16];
      int[] pairNode = new int[1 << 16];
      long[] pairRoot = new long[1 << 16];
      int count = 0;
      while (pairs.hasNext()) {
        Row pair = pairs.next();
        int known = index.size();
        int node = index.indexOf(pair.getLong(0));
        long root = pair.getLong(1);
        if (node == smallest.length) {
          smallest = Arrays.copyOf(smallest, smallest.length * 2);
        }
        smallest[node] = node == known ? root : Math.min(smallest[node], root);
        if (count == pairNode.length) {
          pairNode = Arrays.copyOf(pairNode, count * 2);
          pairRoot = Arrays.copyOf(pairRoot, count * 2);
        }
        pairNode[count] = node;
        pairRoot[count] = root;
        count++;
      }
      int nodes = index.size();
      int pairCount = count;
      long[] labels = smallest;
      int[] nodeOfPair = pairNode;
      long[] rootOfPair = pairRoot;
      return new Iterator<>() {
        private int nextNode;
        private int nextPair;
        private Row pending = advance();

        @Override
        public boolean hasNext() {
          return pending != null;
        }

        @Override
        public Row next() {
          Row row = pending;
          pending = advance();
          return row;
        }

        private Row advance() {
          if (nextNode < nodes) {
            int i = nextNode++;
            return RowFactory.create(LABEL, index.id(i), labels[i]);
          }
          while (nextPair < pairCount) {
            int p = nextPair++;
            long label = labels[nodeOfPair[p]];
            if (rootOfPair[p] != label) {
              return RowFactory.create(JOIN, label, rootOfPair[p]);
            }
          }
          return null;
        }
      };
    }
  }

  static int find(int[] parent, int node) {
    while (parent[node] != node) {
      parent[node] = parent[parent[node]];
      node = parent[node];
    }
    return node;
  }
}
