package dev.adlake.core.identity;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Connected components of a graph on one machine: union by size with path halving over ids of any
 * long value. Each component is labelled by its smallest id, as the distributed computation labels
 * it, so the two can be compared directly. For checks and small graphs; the lake's graph is
 * computed on Spark.
 */
public final class UnionFind {
  private final Map<Long, Integer> index = new HashMap<>();
  private long[] ids = new long[16];
  private int[] parent = new int[16];
  private int[] size = new int[16];
  private int count;

  /** Adds an id on its own (once); an edge adds its ends itself. */
  public void add(long id) {
    indexOf(id);
  }

  /** Joins the components of the two ids. */
  public void union(long a, long b) {
    int rootA = root(indexOf(a));
    int rootB = root(indexOf(b));
    if (rootA == rootB) {
      return;
    }
    if (size[rootA] < size[rootB]) {
      int swap = rootA;
      rootA = rootB;
      rootB = swap;
    }
    parent[rootB] = rootA;
    size[rootA] += size[rootB];
  }

  /** Every id added, with the smallest id of its component. */
  public Map<Long, Long> components() {
    long[] smallest = new long[count];
    Arrays.fill(smallest, Long.MAX_VALUE);
    for (int i = 0; i < count; i++) {
      int root = root(i);
      smallest[root] = Math.min(smallest[root], ids[i]);
    }
    Map<Long, Long> components = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      components.put(ids[i], smallest[root(i)]);
    }
    return components;
  }

  private int indexOf(long id) {
    Integer known = index.get(id);
    if (known != null) {
      return known;
    }
    if (count == ids.length) {
      ids = Arrays.copyOf(ids, count * 2);
      parent = Arrays.copyOf(parent, count * 2);
      size = Arrays.copyOf(size, count * 2);
    }
    ids[count] = id;
    parent[count] = count;
    size[count] = 1;
    index.put(id, count);
    return count++;
  }

  private int root(int node) {
    while (parent[node] != node) {
      parent[node] = parent[parent[node]];
      node = parent[node];
    }
    return node;
  }
}
