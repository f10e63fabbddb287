package dev.adlake.spark.identity;

import java.util.Arrays;

/**
 * Numbers distinct long ids 0, 1, 2, ... in the order they are first seen, in one open-addressing
 * table of primitives: a partition's millions of graph nodes cost 12 bytes a slot and no objects.
 */
final class LongIndex {
  private long[] keys;
  private int[] values;
  private boolean[] used;
  private long[] ids;
  private int mask;
  private int size;

  LongIndex(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(capacity);
    ids = new long[Math.max(16, expected)];
  }

  /** The number of the id, numbering it first if it is new. */
  int indexOf(long id) {
    int slot = slot(id);
    while (used[slot]) {
      if (keys[slot] == id) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size] = id;
    used[slot] = true;
    keys[slot] = id;
    values[slot] = size;
    size++;
    if (size * 2 > mask) {
      grow();
    }
    return size - 1;
  }

  /** The id numbered {@code index}. */
  long id(int index) {
    return ids[index];
  }

  int size() {
    return size;
  }

  private int slot(long id) {
    long z = id * 0x9E3779B97F4A7C15L;
    return (int) (z ^ (z >>> 32)) & mask;
  }

  private void grow() {
    allocate((mask + 1) * 2);
    for (int i = 0; i < size; i++) {
      int slot = slot(ids[i]);
      while (used[slot]) {
        slot = (slot + 1) & mask;
      }
      used[slot] = true;
      keys[slot] = ids[i];
      values[slot] = i;
    }
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    values = new int[capacity];
    used = new boolean[capacity];
    mask = capacity - 1;
  }
}
