package dev.adlake.generator;

/**
 * A set of longs in one open-addressing array: counting distinct keys this way costs one probe per
 * key in memory that stays in cache, where sorting costs n log n.
 */
final class LongSet {
  private static final long EMPTY = Long.MIN_VALUE;
  private final long[] slots;
  private final int mask;

  /** A set sized for up to {@code expected} keys; {@link Long#MIN_VALUE} cannot be stored. */
  LongSet(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    slots = new long[capacity];
    java.util.Arrays.fill(slots, EMPTY);
    mask = capacity - 1;
  }

  /** Adds a key; true when it was not there yet. */
  boolean add(long key) {
    int index = (int) Mixer.mix(key) & mask;
    while (true) {
      long slot = slots[index];
      if (slot == key) {
        return false;
      }
      if (slot == EMPTY) {
        slots[index] = key;
        return true;
      }
      index = (index + 1) & mask;
    }
  }
}
