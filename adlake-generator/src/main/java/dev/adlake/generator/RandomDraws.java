package dev.adlake.generator;

import java.util.SplittableRandom;

/** Draws of the generators' distributions from a seeded random source. */
public final class RandomDraws {
  /** Above this mean a Poisson draw is taken from its normal approximation. */
  private static final double NORMAL_ABOVE = 40;

  private RandomDraws() {}

  /** A standard normal draw (Box-Muller). */
  public static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** A Poisson draw: Knuth's product of uniforms for small means, the normal beyond. */
  public static long poisson(SplittableRandom random, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > NORMAL_ABOVE) {
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    long count = 0;
    while (product > limit) {
      product *= random.nextDouble();
      count++;
    }
    return count;
  }
}
