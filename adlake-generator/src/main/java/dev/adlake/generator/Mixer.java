package dev.adlake.generator;

/** The SplitMix64 finalizer: a bijection on longs, so distinct inputs give distinct ids. */
public final class Mixer {
  private Mixer() {}

  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A deterministic double in [0, 1) from a key. */
  public static double unit(long key) {
    return (mix(key) >>> 11) * 0x1.0p-53;
  }
}
