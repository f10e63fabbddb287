package dev.adlake.spark.flywheel;

import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * Keys that a hash exchange sends where we choose: Spark's hash partitioning puts an integer key
 * {@code k} into partition {@code pmod(murmur3(k, 42), n)}, so for each partition the smallest
 * integer that lands there is found once, and a row keyed by it goes to that partition alone.
 */
final class PartitionKeys {
  /** The seed of Spark's {@code Murmur3Hash}, as its hash partitioning uses it. */
  private static final int SEED = 42;

  private PartitionKeys() {}

  /** For each of {@code n} partitions, an integer key that a hash exchange into n sends there. */
  static int[] identity(int n) {
    int[] keys = new int[n];
    boolean[] found = new boolean[n];
    int left = n;
    for (int key = 0; left > 0; key++) {
      int partition = Math.floorMod(Murmur3_x86_32.hashInt(key, SEED), n);
      if (!found[partition]) {
        found[partition] = true;
        keys[partition] = key;
        left--;
      }
    }
    return keys;
  }
}
