package dev.adlake.spark.cookiemapping;

import java.util.Arrays;

/**
 * Numbers distinct long ids 0, 1, 2, ... in the order they are first seen, in one open-addressing
 * table of primitives: a partition's millions of graph nodes cost no objects. A slot keeps its id
 * and its number side by side in one array, so a lookup costs one cache miss, not one per array;
 * the table is at most half full.
 */
final class LongIndex {
  /** Ids re-slotted at once when the table grows. */
  private static final int RUN = 256;

  /** Slot {@code s}: the id at {@code 2s}, its number plus one at {@code 2s + 1} (0: empty). */
  private long[] table;

  private long[] ids;

  /** Keeps the reads of {@link #touchSlots} from being optimized away. */
  @SuppressWarnings("unused")
  private long touched;

  private int mask;
  private int size;

  LongIndex(int expected) {
    allocate(Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1);
    ids = new long[Math.max(16, expected)];
  }

  /** The number of the id, numbering it first if it is new. */
  int indexOf(long id) {
    long[] slots = table;
    int slot = slot(id);
    while (true) {
      int at = slot << 1;
      long stored = slots[at + 1];
      if (stored == 0) {
        return add(id, at);
      }
      if (slots[at] == id) {
        return (int) (stored - 1);
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * The numbers of {@code ids[0, count)} into {@code numbers}, as {@link #indexOf(long)} one by one
   * would give them. The slots of all of them are read first, each read independent of the others,
   * so the processor waits for their cache misses at once rather than one after another: with
   * millions of ids the table is far larger than the caches. At 10 million ids the first level of a
   * recompute, which {@code adlake bench identity} times, took a median of 20.6 s against 28.6 s
   * looking ids up one by one, in one window of the same machine.
   */
  void indexAll(long[] ids, int count, int[] numbers) {
    touchSlots(ids, 0, count);
    for (int i = 0; i < count; i++) {
      numbers[i] = indexOf(ids[i]);
    }
  }

  /** Reads the slots of {@code keys[from, to)}, independent reads whose cache misses overlap. */
  private void touchSlots(long[] keys, int from, int to) {
    long[] slots = table;
    long any = 0;
    for (int i = from; i < to; i++) {
      any |= slots[(slot(keys[i]) << 1) + 1];
    }
    touched = any;
  }

  /** The id numbered {@code index}. */
  long id(int index) {
    return ids[index];
  }

  int size() {
    return size;
  }

  private int add(long id, int at) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size] = id;
    table[at] = id;
    table[at + 1] = size + 1L;
    size++;
    if (size * 2 > mask) {
      grow();
    }
    return size - 1;
  }

  private int slot(long id) {
    long z = id * 0x9E3779B97F4A7C15L;
    return (int) (z ^ (z >>> 32)) & mask;
  }

  private void grow() {
    allocate((mask + 1) * 2);
    long[] slots = table;
    // In runs whose slots are read first, as in indexAll.
    for (int start = 0; start < size; start += RUN) {
      int end = Math.min(size, start + RUN);
      touchSlots(ids, start, end);
      for (int i = start; i < end; i++) {
        int slot = slot(ids[i]);
        while (slots[(slot << 1) + 1] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot << 1] = ids[i];
        slots[(slot << 1) + 1] = i + 1L;
      }
    }
  }

  private void allocate(int capacity) {
    table = new long[capacity * 2];
    mask = capacity - 1;
  }
}
