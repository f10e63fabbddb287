package dev.adlake.spark.cookiemapping;

import java.io.Serializable;

/**
 * The ids that map to another id (a node to its component's first node), in one open-addressing
 * table of primitives: every other id maps to itself. Small enough to broadcast for millions of ids
 * (16 bytes a slot, at most two thirds full), and a lookup costs one cache miss.
 *
 * <p>A slot keeps the id at {@code 2s} and its target at {@code 2s + 1}. Stored pairs never map an
 * id to itself, so an empty slot is one whose two halves are equal.
 */
final class MovedIds implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most heap a moved id takes: up to three slots of 16 bytes. */
  static final long BYTES_PER_ID = 48;

  /** Pairs put at once by {@link #putAll}. */
  private static final int RUN = 256;

  private final long[] table;
  private final int mask;
  private int size;

  /** Keeps the reads of {@link #putAll} from being optimized away. */
  @SuppressWarnings("unused")
  private transient long touched;

  /** Room for {@code expected} moved ids. */
  MovedIds(long expected) {
    long capacity = Long.highestOneBit(Math.max(16, expected * 3 / 2)) << 1;
    if (capacity > 1 << 29) {
      throw new IllegalArgumentException("Too many moved ids for one table: " + expected);
    }
    table = new long[(int) capacity * 2];
    mask = (int) capacity - 1;
  }

  /** Maps {@code id} to {@code target}; an id mapped to itself is not stored. */
  void put(long id, long target) {
    if (id == target) {
      return;
    }
    if ((size + 1) * 3L > (mask + 1L) * 2) {
      throw new IllegalStateException("More moved ids than the table was sized for: " + size);
    }
    int slot = slot(id);
    while (true) {
      int at = slot << 1;
      if (table[at] == table[at + 1]) {
        table[at] = id;
        table[at + 1] = target;
        size++;
        return;
      }
      if (table[at] == id) {
        table[at + 1] = target;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Maps each {@code pairs[2i]} to {@code pairs[2i + 1]} for {@code 2i < length}, as {@link #put}
   * one by one would. The slots of each run of pairs are read first, each read independent of the
   * others, so the processor waits for their cache misses at once rather than one after another.
   */
  void putAll(long[] pairs, int length) {
    for (int start = 0; start < length; start += 2 * RUN) {
      int end = Math.min(length, start + 2 * RUN);
      long any = 0;
      for (int i = start; i < end; i += 2) {
        any |= table[slot(pairs[i]) << 1];
      }
      touched = any;
      for (int i = start; i < end; i += 2) {
        put(pairs[i], pairs[i + 1]);
      }
    }
  }

  /** The id {@code id} maps to: its target, or itself. */
  long get(long id) {
    int slot = slot(id);
    while (true) {
      int at = slot << 1;
      long key = table[at];
      long target = table[at + 1];
      if (key == target) {
        return id;
      }
      if (key == id) {
        return target;
      }
      slot = (slot + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  private int slot(long id) {
    long z = id * 0x9E3779B97F4A7C15L;
    return (int) (z ^ (z >>> 32)) & mask;
  }
}
