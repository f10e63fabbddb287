package dev.adlake.core.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How Spark runs: the master, the shuffle width and free-form Spark properties given under {@code
 * spark.conf.} (for example {@code spark.conf.spark.executor.memory: 4g}).
 */
public record SparkConfig(String master, int shufflePartitions, Map<String, String> properties) {
  /** Prefix of free-form Spark properties. */
  public static final String PROPERTIES_PREFIX = "spark.conf.";

  public static final ConfigKey<String> MASTER =
      ConfigKey.of(
          "spark.master",
          ValueType.sparkMaster(),
          "local[*]",
          "Spark master; local[*] runs Spark inside the adlake process on every core");
  public static final ConfigKey<Integer> SHUFFLE_PARTITIONS =
      ConfigKey.of(
          "spark.shuffle-partitions",
          ValueType.integer(1, 100_000),
          "8",
          "Partitions of a shuffle (spark.sql.shuffle.partitions); small suits one machine");

  static List<ConfigKey<?>> keys() {
    return List.of(MASTER, SHUFFLE_PARTITIONS);
  }

  static SparkConfig from(ConfigValues values) {
    Map<String, String> properties = new TreeMap<>();
    values.sparkConf().forEach((name, resolved) -> properties.put(name, resolved.text()));
    return new SparkConfig(values.get(MASTER), values.get(SHUFFLE_PARTITIONS), properties);
  }
}
