package dev.adlake.core.sketch;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

/**
 * The distinct-count sketches of the rollups, one contract for the jobs that build them and the
 * server that merges them: Apache DataSketches HLL at lgK 12 (relative standard error about 1.6%,
 * 95% of estimates within 3.2%), type HLL_4, stored in compact form, fed 64-bit hashes (Spark's
 * {@code xxhash64}) of the IP or user id, so sketches of any hours, ads or jobs merge.
 */
public final class HllSketches {
  /** log2 of the number of HLL buckets. */
  public static final int LG_K = 12;

  public static final TgtHllType TYPE = TgtHllType.HLL_4;

  /** The 95% relative error bound at lgK 12 (two relative standard errors of 1.6%). */
  public static final double RELATIVE_ERROR_95 = 0.032;

  private static final byte[] EMPTY = newSketch().toCompactByteArray();

  private HllSketches() {}

  public static HllSketch newSketch() {
    return new HllSketch(LG_K, TYPE);
  }

  public static Union newUnion() {
    return new Union(LG_K);
  }

  /** The serialized sketch of nothing. */
  public static byte[] empty() {
    return EMPTY.clone();
  }

  /** Reads a stored sketch in place, without copying its registers. */
  public static HllSketch wrap(byte[] compact) {
    return HllSketch.wrap(Memory.wrap(compact));
  }

  /** The union of serialized sketches, serialized; nulls are skipped. */
  public static byte[] merge(Iterable<byte[]> sketches) {
    Union union = newUnion();
    for (byte[] sketch : sketches) {
      if (sketch != null) {
        union.update(wrap(sketch));
      }
    }
    return union.getResult(TYPE).toCompactByteArray();
  }

  /** The distinct count a serialized sketch estimates, rounded. */
  public static long estimate(byte[] compact) {
    return Math.round(wrap(compact).getEstimate());
  }

  /** The distinct count a union estimates, rounded. */
  public static long estimate(Union union) {
    return Math.round(union.getEstimate());
  }
}
