package dev.adlake.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * The most heap a measured piece of work kept live: the peak of the JVM's old generation (what
 * survives collections) since {@link #start()}, beside the heap's limit.
 */
public final class HeapPeak {
  private final List<MemoryPoolMXBean> oldGeneration;

  private HeapPeak(List<MemoryPoolMXBean> oldGeneration) {
    this.oldGeneration = oldGeneration;
  }

  /** Collects garbage, then starts measuring from the heap as it is. */
  public static HeapPeak start() {
    System.gc();
    List<MemoryPoolMXBean> pools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .filter(pool -> pool.getName().contains("Old") || pool.getName().contains("Tenured"))
            .toList();
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    return new HeapPeak(pools);
  }

  /** The old generation's peak since the start, in bytes. */
  public long peakBytes() {
    return oldGeneration.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
  }

  /** The heap's limit (-Xmx), in bytes. */
  public static long maxBytes() {
    return Runtime.getRuntime().maxMemory();
  }
}
