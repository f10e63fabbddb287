package dev.adlake.spark.cookiemapping;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

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
 * partitions' answers, repeated on the much smaller graph of what is left to merge; each node is
 * labelled with its component's first node in a given order (the smallest rank, then the smallest
 * id).
 *
 * <p>One level: every partition joins its edges with a union-find over primitive arrays and tells,
 * for each node it saw, the smallest node of the node's local component (its local root). A shuffle
 * by node brings each node's local roots together: the smallest is the node's label at this level,
 * and every other root must join it, which gives an edge (smallest, other) of the next level. The
 * next level's edges go to the partition of their smaller end, so each star of them is joined in
 * one partition. When no node has two roots, the labels are final; the upper levels' labels are
 * walked back down to the first level's roots. The first level's shuffle also brings every node's
 * rank, so each of its partitions tells each label's first node and size there; the smallest of a
 * component's labels' firsts is its first, found by a small aggregation, and broadcast back to the
 * nodes with their first level's labels: the nodes are not shuffled again.
 *
 * <p>Memory per task is that of its partition's distinct nodes (about 40 bytes each). The upper
 * levels' answer (one row per first-level root that merged across partitions) and the components'
 * firsts are broadcast to the first level's labels when they are small enough, else joined by a
 * shuffle; nothing else goes through the driver. Each level is checkpointed locally, so plans stay
 * one level deep.
 */
public final class LocalUnionComponents {
  static final StructType ROOT =
      new StructType()
          .add("kind", DataTypes.ByteType, false)
          .add("id", DataTypes.LongType, false)
          .add("value", DataTypes.LongType, false);
  static final StructType MERGED =
      new StructType()
          .add("kind", DataTypes.ByteType, false)
          .add("a", DataTypes.LongType, false)
          .add("b", DataTypes.LongType, false)
          .add("rank", DataTypes.LongType, false)
          .add("size", DataTypes.LongType, false);
  private static final byte LABEL = 0;
  private static final byte JOIN = 1;
  private static final byte FIRST = 2;
  private static final byte ROOT_OF = 0;
  private static final byte RANK_OF = 1;

  /**
   * Upper-level answers and components up to this many rows are broadcast (about 100 MB as a hash
   * relation).
   */
  static final long BROADCAST_ROWS = 4_000_000;

  /** Rows read at once by a partition's function, so their hash lookups overlap. */
  private static final int BATCH = 256;

  /** Upper levels get a partition per this many edges, up to the partitions asked. */
  static final long EDGES_PER_TASK = 4_000_000;

  private LocalUnionComponents() {}

  /** The components: each node's first node, and each component's size. */
  public record Components(Dataset<Row> firsts, Dataset<Row> sizes) {}

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
    Dataset<Row> nodes =
        edges
            .select(col("src").as("id"))
            .union(edges.select(col("dst").as("id")))
            .distinct()
            .select(col("id"), lit(0L).as("rank"));
    return first(edges, nodes, partitions, levels)
        .firsts()
        .select(col("id"), col("first").as("component"));
  }

  /**
   * The first node of every node's component, in the order of the smallest rank, then the smallest
   * id.
   *
   * @param edges columns {@code src} and {@code dst}, both non-null long ids, between nodes
   * @param nodes columns {@code id} and {@code rank} (long), each node once; a node without edges
   *     is its own component
   * @param partitions the shuffle partitions of each level
   * @param levels told the number of each finished level and the edges left to merge, for progress
   * @return {@code firsts}: columns {@code id} and {@code first}, for every node of {@code nodes};
   *     {@code sizes}: columns {@code first} and {@code size}, for every component (computed once)
   */
  public static Components first(
      Dataset<Row> edges, Dataset<Row> nodes, int partitions, LevelListener levels) {
    return first(edges, nodes, partitions, levels, BROADCAST_ROWS);
  }

  /** As above, with the upper levels' answer and the components broadcast up to these rows. */
  static Components first(
      Dataset<Row> edges,
      Dataset<Row> nodes,
      int partitions,
      LevelListener levels,
      long broadcastRows) {
    Encoder<Row> rootEncoder = Encoders.row(ROOT);
    Encoder<Row> mergedEncoder = Encoders.row(MERGED);
    // The first level joins the edges where they are, in as few partitions as there are tasks at
    // once: the fewer the partitions, the more of each component one union-find sees.
    Dataset<Row> level = edges.select(col("src"), col("dst")).coalesce(partitions);
    Dataset<Row> ranks =
        nodes.select(lit(RANK_OF).as("kind"), col("id"), col("rank").cast("long").as("value"));
    Dataset<Row> firstLabels = null;
    Dataset<Row> firstOfLabels = null;
    List<Dataset<Row>> upper = new ArrayList<>();
    while (true) {
      Dataset<Row> roots = level.mapPartitions(new LocalRoots(), rootEncoder);
      if (firstLabels == null) {
        roots = roots.union(ranks);
      }
      Dataset<Row> merged =
          roots
              .repartition(partitions, col("id"))
              .mapPartitions(new MergeRoots(), mergedEncoder)
              .localCheckpoint();
      Dataset<Row> labels =
          merged.where(col("kind").equalTo(LABEL)).select(col("a").as("id"), col("b").as("label"));
      if (firstLabels == null) {
        firstLabels = labels;
        firstOfLabels =
            merged
                .where(col("kind").equalTo(FIRST))
                .select(col("a").as("label"), col("b").as("id"), col("rank"), col("size"));
      } else {
        upper.add(labels);
      }
      Dataset<Row> next =
          merged.where(col("kind").equalTo(JOIN)).select(col("a").as("src"), col("b").as("dst"));
      long left = next.count();
      levels.finished(upper.size() + 1, left);
      if (left == 0) {
        break;
      }
      // A level small enough for one task is joined by one union-find: it is the last.
      int tasks =
          (int) Math.min(partitions, Math.max(1, (left + EDGES_PER_TASK - 1) / EDGES_PER_TASK));
      level = next.repartition(tasks, col("src"));
    }
    Dataset<Row> finals = null;
    if (!upper.isEmpty()) {
      Dataset<Row> resolved = upper.get(upper.size() - 1);
      for (int k = upper.size() - 2; k >= 0; k--) {
        resolved = resolvedThrough(upper.get(k), resolved).localCheckpoint();
      }
      // Only the roots that joined another: every other root is its own final label.
      finals =
          resolved
              .where(col("label").notEqual(col("id")))
              .select(col("id").as("root"), col("label").as("final"))
              .localCheckpoint();
      if (finals.count() <= broadcastRows) {
        finals = broadcast(finals);
      }
    }
    Dataset<Row> componentOfNode = inComponents(firstLabels, finals);
    Dataset<Row> componentOfLabel = inComponents(firstOfLabels, finals);
    // Each partition told each of its labels' first node and size: the smallest of a component's
    // is its first, the sum its size.
    Dataset<Row> components =
        componentOfLabel
            .groupBy("component")
            .agg(min(struct(col("rank"), col("id"))).as("first"), sum("size").as("size"))
            .select(col("component"), col("first.id").as("first"), col("size"))
            .localCheckpoint();
    Dataset<Row> byComponent =
        components.count() <= broadcastRows ? broadcast(components) : components;
    Dataset<Row> firsts =
        componentOfNode.join(byComponent, "component").select(col("id"), col("first"));
    return new Components(firsts, components.select(col("first"), col("size")));
  }

  /**
   * Rows with a first-level {@code label}, that label replaced by its final one as {@code
   * component}; with no upper levels ({@code finals} null) every label is final.
   */
  private static Dataset<Row> inComponents(Dataset<Row> labelled, Dataset<Row> finals) {
    if (finals == null) {
      return labelled.withColumnRenamed("label", "component");
    }
    return labelled
        .join(finals, col("label").equalTo(col("root")), "left")
        .withColumn("component", coalesce(col("final"), col("label")))
        .drop("label", "root", "final");
  }

  /** The labels of a level with the final labels of its roots, when they have one. */
  private static Dataset<Row> resolvedThrough(Dataset<Row> here, Dataset<Row> above) {
    Dataset<Row> finals = above.select(col("id").as("root"), col("label").as("final"));
    return here.join(finals, here.col("label").equalTo(finals.col("root")), "left")
        .select(here.col("id"), coalesce(finals.col("final"), here.col("label")).as("label"));
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
      long[] ends = new long[2 * BATCH];
      int[] numbers = new int[2 * BATCH];
      while (edges.hasNext()) {
        int count = 0;
        while (count < ends.length && edges.hasNext()) {
          Row edge = edges.next();
          ends[count++] = edge.getLong(0);
          ends[count++] = edge.getLong(1);
        }
        int known = index.size();
        index.indexAll(ends, count, numbers);
        parent = added(parent, known, index.size());
        for (int i = 0; i < count; i += 2) {
          int rootA = find(parent, numbers[i]);
          int rootB = find(parent, numbers[i + 1]);
          // The later-numbered root goes under the earlier: no sizes to keep, and path halving
          // keeps the trees shallow.
          if (rootA < rootB) {
            parent[rootB] = rootA;
          } else if (rootB < rootA) {
            parent[rootA] = rootB;
          }
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
          return RowFactory.create(ROOT_OF, index.id(i), smallest[find(roots, i)]);
        }
      };
    }

    /** Makes the nodes numbered {@code from} to {@code to} (excluded) their own parents. */
    private static int[] added(int[] parent, int from, int to) {
      if (to > parent.length) {
        parent = Arrays.copyOf(parent, Math.max(to, parent.length * 2));
      }
      for (int node = from; node < to; node++) {
        parent[node] = node;
      }
      return parent;
    }
  }

  /**
   * A partition of (node, local root) pairs and (node, rank) pairs, all of a node's in one
   * partition → (label, node, its smallest root or itself) for each node with a rank or at a level
   * without ranks, (join, smallest root, other root) for each other root, and (first, label, its
   * first ranked node here, that node's rank, its ranked nodes here) for each label of a ranked
   * node.
   */
  static final class MergeRoots implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> pairs) {
      LongIndex index = new LongIndex(1 << 16);
      // A node's smallest root so far, or its own id.
      long[] smallest = new long[1 << 16];
      long[] rank = new long[1 << 16];
      boolean[] ranked = new boolean[1 << 16];
      boolean anyRank = false;
      int[] pairNode = new int[1 << 16];
      long[] pairRoot = new long[1 << 16];
      int count = 0;
      byte[] kinds = new byte[BATCH];
      long[] ids = new long[BATCH];
      long[] values = new long[BATCH];
      int[] numbers = new int[BATCH];
      while (pairs.hasNext()) {
        int batch = 0;
        while (batch < BATCH && pairs.hasNext()) {
          Row pair = pairs.next();
          kinds[batch] = pair.getByte(0);
          ids[batch] = pair.getLong(1);
          values[batch] = pair.getLong(2);
          batch++;
        }
        int known = index.size();
        index.indexAll(ids, batch, numbers);
        int nodes = index.size();
        if (nodes > smallest.length) {
          int length = Math.max(nodes, smallest.length * 2);
          smallest = Arrays.copyOf(smallest, length);
          rank = Arrays.copyOf(rank, length);
          ranked = Arrays.copyOf(ranked, length);
        }
        for (int node = known; node < nodes; node++) {
          smallest[node] = index.id(node);
        }
        if (count + batch > pairNode.length) {
          pairNode = Arrays.copyOf(pairNode, pairNode.length * 2);
          pairRoot = Arrays.copyOf(pairRoot, pairRoot.length * 2);
        }
        for (int i = 0; i < batch; i++) {
          int node = numbers[i];
          if (kinds[i] == RANK_OF) {
            rank[node] = values[i];
            ranked[node] = true;
            anyRank = true;
          } else {
            smallest[node] = Math.min(smallest[node], values[i]);
            pairNode[count] = node;
            pairRoot[count] = values[i];
            count++;
          }
        }
      }
      int nodes = index.size();
      // Each label's first ranked node here (smallest rank, then id) and its ranked nodes.
      LongIndex labelIndex = new LongIndex(1 << 16);
      long[] firstId = new long[1 << 16];
      long[] firstRank = new long[1 << 16];
      long[] size = new long[1 << 16];
      int[] ofNode = new int[BATCH];
      for (int start = 0; start < nodes; ) {
        int batch = 0;
        for (; start < nodes && batch < BATCH; start++) {
          if (ranked[start]) {
            ofNode[batch] = start;
            ids[batch++] = smallest[start];
          }
        }
        int known = labelIndex.size();
        labelIndex.indexAll(ids, batch, numbers);
        int labels = labelIndex.size();
        if (labels > firstId.length) {
          int length = Math.max(labels, firstId.length * 2);
          firstId = Arrays.copyOf(firstId, length);
          firstRank = Arrays.copyOf(firstRank, length);
          size = Arrays.copyOf(size, length);
        }
        Arrays.fill(firstId, known, labels, Long.MAX_VALUE);
        Arrays.fill(firstRank, known, labels, Long.MAX_VALUE);
        for (int j = 0; j < batch; j++) {
          int label = numbers[j];
          int node = ofNode[j];
          long id = index.id(node);
          if (rank[node] < firstRank[label]
              || (rank[node] == firstRank[label] && id < firstId[label])) {
            firstId[label] = id;
            firstRank[label] = rank[node];
          }
          size[label]++;
        }
      }
      int pairCount = count;
      long[] labels = smallest;
      boolean[] hasRank = ranked;
      boolean labelAll = !anyRank;
      int[] nodeOfPair = pairNode;
      long[] rootOfPair = pairRoot;
      int labelCount = labelIndex.size();
      long[] firstIds = firstId;
      long[] firstRanks = firstRank;
      long[] sizes = size;
      return new Iterator<>() {
        private int nextNode;
        private int nextPair;
        private int nextLabel;
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
          while (nextNode < nodes) {
            int i = nextNode++;
            if (labelAll || hasRank[i]) {
              return RowFactory.create(LABEL, index.id(i), labels[i], 0L, 0L);
            }
          }
          while (nextPair < pairCount) {
            int p = nextPair++;
            long label = labels[nodeOfPair[p]];
            if (rootOfPair[p] != label) {
              return RowFactory.create(JOIN, label, rootOfPair[p], 0L, 0L);
            }
          }
          if (nextLabel < labelCount) {
            int l = nextLabel++;
            return RowFactory.create(FIRST, labelIndex.id(l), firstIds[l], firstRanks[l], sizes[l]);
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
