package dev.adlake.generator;

import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent, the shape of ad,
 * site and user popularity: a few very popular, a long tail of rare ones.
 *
 * <p>Uses Vose's alias method: one draw costs one random number and two array reads, whatever n,
 * which keeps generation fast for millions of users. Both reads hit one packed long, so a draw over
 * a table larger than the cache misses it once.
 */
public final class ZipfSampler {
  /** Per column: the alias rank in the high bits, the 33-bit threshold to keep the column below. */
  private final long[] table;

  public ZipfSampler(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("Zipf needs at least one rank, got " + n);
    }
    double[] scaled = new double[n];
    double sum = 0;
    for (int rank = 0; rank < n; rank++) {
      scaled[rank] = 1.0 / Math.pow(rank + 1, exponent);
      sum += scaled[rank];
    }
    for (int rank = 0; rank < n; rank++) {
      scaled[rank] *= n / sum;
    }
    double[] keep = new double[n];
    int[] alias = new int[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smallCount = 0;
    int largeCount = 0;
    for (int rank = n - 1; rank >= 0; rank--) {
      if (scaled[rank] < 1.0) {
        small[smallCount++] = rank;
      } else {
        large[largeCount++] = rank;
      }
    }
    while (smallCount > 0 && largeCount > 0) {
      int less = small[--smallCount];
      int more = large[--largeCount];
      keep[less] = scaled[less];
      alias[less] = more;
      scaled[more] = scaled[more] + scaled[less] - 1.0;
      if (scaled[more] < 1.0) {
        small[smallCount++] = more;
      } else {
        large[largeCount++] = more;
      }
    }
    while (largeCount > 0) {
      keep[large[--largeCount]] = 1.0;
    }
    while (smallCount > 0) {
      keep[small[--smallCount]] = 1.0;
    }
    table = new long[n];
    for (int column = 0; column < n; column++) {
      long threshold = Math.min(1L << 32, (long) Math.ceil(keep[column] * (1L << 32)));
      table[column] = (long) alias[column] << 33 | threshold;
    }
  }

  /** A rank in 0..size-1; one random number per draw. */
  public int sample(SplittableRandom random) {
    long bits = random.nextLong();
    int column = (int) (((bits >>> 32) * table.length) >>> 32);
    long entry = table[column];
    return (bits & 0xFFFF_FFFFL) < (entry & ((1L << 33) - 1)) ? column : (int) (entry >>> 33);
  }

  public int size() {
    return table.length;
  }
}
