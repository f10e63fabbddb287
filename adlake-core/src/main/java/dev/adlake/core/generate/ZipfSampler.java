package dev.adlake.core.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent, the shape of ad,
 * site and user popularity: a few very popular, a long tail of rare ones.
 */
final class ZipfSampler {
  private final double[] cumulative;

  ZipfSampler(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("Zipf needs at least one rank, got " + n);
    }
    cumulative = new double[n];
    double sum = 0;
    for (int rank = 0; rank < n; rank++) {
      sum += 1.0 / Math.pow(rank + 1, exponent);
      cumulative[rank] = sum;
    }
    for (int rank = 0; rank < n; rank++) {
      cumulative[rank] /= sum;
    }
    cumulative[n - 1] = 1.0;
  }

  int sample(SplittableRandom random) {
    int found = Arrays.binarySearch(cumulative, random.nextDouble());
    return found >= 0 ? found : -found - 1;
  }

  int size() {
    return cumulative.length;
  }
}
