package dev.adlake.server;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

/**
 * The serving store's sketch contract: HLL_4 sketches at lgK 12 of 64-bit hashes, stored compact,
 * merged with a union at the same lgK.
 */
final class Sketches {
  static final int LG_CONFIG_K = 12;
  static final TgtHllType TYPE = TgtHllType.HLL_4;

  /** The 95% relative error bound at lgK 12 (two relative standard errors of 1.6%). */
  static final double RELATIVE_ERROR_95 = 0.032;

  private Sketches() {}

  static HllSketch newSketch() {
    return new HllSketch(LG_CONFIG_K, TYPE);
  }

  static Union newUnion() {
    return new Union(LG_CONFIG_K);
  }

  /** Reads a stored sketch in place, without copying its registers. */
  static HllSketch wrap(byte[] compact) {
    return HllSketch.wrap(Memory.wrap(compact));
  }

  static long estimate(byte[] compact) {
    return Math.round(wrap(compact).getEstimate());
  }

  static long estimate(Union union) {
    return Math.round(union.getEstimate());
  }
}
