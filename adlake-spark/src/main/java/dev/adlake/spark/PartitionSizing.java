package dev.adlake.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.network.util.JavaUtils;

/**
 * How big a shuffle partition of any job may be, from the memory a task gets, so that partition
 * counts follow the data: adaptive execution starts every shuffle with many partitions and
 * coalesces them to the advisory size, so a small day gets a few partitions and a large one many,
 * none larger than a task can hold without spilling heavily.
 *
 * <p>A task's memory is the executor's heap (the driver's in local mode) times Spark's unified
 * memory fraction, shared by the executor's cores. The advisory size is a sixteenth of it, kept
 * between 16 MB and 128 MB (Spark's default is 64 MB); a shuffle starts with at least {@value
 * #INITIAL_PARTITIONS} partitions, or {@code spark.shuffle-partitions} when that is more.
 */
public final class PartitionSizing {
  static final int INITIAL_PARTITIONS = 200;

  /** Shuffles of at most this many partitions write a file per partition (Spark's: 200). */
  static final int BYPASS_MERGE_THRESHOLD = 16;

  private static final long MIN_ADVISORY = 16L << 20;
  private static final long MAX_ADVISORY = 128L << 20;
  private static final double MEMORY_FRACTION = 0.6;

  private PartitionSizing() {}

  /**
   * The adaptive-execution properties for this memory and these cores.
   *
   * @param heapBytes the heap of an executor (of the driver in local mode)
   * @param cores the cores sharing it
   * @param shufflePartitions the configured shuffle width, a floor for the initial count
   */
  public static Map<String, String> properties(long heapBytes, int cores, int shufflePartitions) {
    long taskMemory = (long) (heapBytes * MEMORY_FRACTION / Math.max(1, cores));
    long advisory = Math.max(MIN_ADVISORY, Math.min(MAX_ADVISORY, taskMemory / 16));
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(
        "spark.sql.adaptive.coalescePartitions.initialPartitionNum",
        String.valueOf(Math.max(INITIAL_PARTITIONS, shufflePartitions)));
    properties.put("spark.sql.adaptive.advisoryPartitionSizeInBytes", String.valueOf(advisory));
    // Coalesce by the advisory size rather than spreading small data over every core.
    properties.put("spark.sql.adaptive.coalescePartitions.parallelismFirst", "false");
    // Spark writes a shuffle of up to 200 partitions without map-side combining one file per
    // partition per task ("bypass merge"), then concatenates them: with the 200 initial
    // partitions, that is 200 files for every task of every join and window, however little it
    // writes. The sort-based writer writes one. Measured by bench classify: 30% off the
    // clustering and 55% off the category job at 10 million page views.
    properties.put(
        "spark.shuffle.sort.bypassMergeThreshold", String.valueOf(BYPASS_MERGE_THRESHOLD));
    return properties;
  }

  /**
   * The properties for a session: in local mode the driver's heap and the master's cores; on a
   * cluster {@code spark.executor.memory} and {@code spark.executor.cores} as configured (Spark's
   * defaults, 1 GB and 1 core, else).
   */
  static Map<String, String> forSession(
      String master, Map<String, String> configured, int shuffle) {
    if (master.startsWith("local")) {
      return properties(Runtime.getRuntime().maxMemory(), localCores(master), shuffle);
    }
    long heap = JavaUtils.byteStringAsBytes(configured.getOrDefault("spark.executor.memory", "1g"));
    int cores = Integer.parseInt(configured.getOrDefault("spark.executor.cores", "1"));
    return properties(heap, cores, shuffle);
  }

  /** The cores of {@code local}, {@code local[N]}, {@code local[*]} or {@code local[N,F]}. */
  static int localCores(String master) {
    int open = master.indexOf('[');
    if (open < 0) {
      return 1;
    }
    String inside = master.substring(open + 1, master.indexOf(']', open)).split(",")[0].strip();
    return inside.equals("*")
        ? Runtime.getRuntime().availableProcessors()
        : Math.max(1, Integer.parseInt(inside));
  }
}
