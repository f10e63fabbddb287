package dev.adlake.spark.reporting;

/**
 * A growable set of longs in one open-addressing array, for exact distinct counts: one probe per
 * key in memory that stays compact, where a sort costs n log n and a boxed set four times the
 * memory.
 */
final class DistinctLongs {
  private static final int MINIMUM_CAPACITY = 16;
  private long[] slots = new long[MINIMUM_CAPACITY];
  private int size;
  // Zero marks an empty slot, so the key zero is kept aside.
  private boolean holdsZero;

  /** Adds a key; true when it was not there yet. */
  boolean add(long key) {
    if (key == 0) {
      boolean added = !holdsZero;
      holdsZero = true;
      return added;
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    if (insert(slots, key)) {
      size++;
      return true;
    }
    return false;
  }

  /** How many distinct keys were added. */
  long count() {
    return size + (holdsZero ? 1 : 0);
  }

  private static boolean insert(long[] table, long key) {
    int mask = table.length - 1;
    int index = (int) spread(key) & mask;
    while (true) {
      long slot = table[index];
      if (slot == key) {
        return false;
      }
      if (slot == 0) {
        table[index] = key;
        return true;
      }
      index = (index + 1) & mask;
    }
  }

  private void grow() {
    long[] larger = new long[slots.length * 2];
    for (long key : slots) {
      if (key != 0) {
        insert(larger, key);
      }
    }
    slots = larger;
  }

  /** The keys are hashes already, but of unknown quality: mix the bits once more (murmur3 fmix). */
  private static long spread(long key) {
    key ^= key >>> 33;
    key *= 0xff51afd7ed558ccdL;
    key ^= key >>> 33;
    return key;
  }

  @Override
  public String toString() {
    return "DistinctLongs[" + count() + " of capacity " + slots.length + "]";
  }
}
