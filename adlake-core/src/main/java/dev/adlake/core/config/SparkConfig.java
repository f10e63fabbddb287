package dev.adlake.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How Spark runs: the master, the shuffle width, the job jar a cluster's executors load adlake
 * from, and free-form Spark properties given under {@code spark.conf.} (for example {@code
 * spark.conf.spark.executor.memory: 4g}).
 */
public record SparkConfig(
    String master, int shufflePartitions, Optional<Path> jobJar, Map<String, String> properties) {
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

  public static final ConfigKey<Path> JOB_JAR =
      ConfigKey.of(
          "spark.job-jar",
          ValueType.path(),
          null,
          "adlake-job.jar, which a cluster's executors load adlake from (spark.jars); unset: the"
              + " one built beside the adlake command (adlake-job/target/adlake-job.jar)");

  static List<ConfigKey<?>> keys() {
    return List.of(MASTER, SHUFFLE_PARTITIONS, JOB_JAR);
  }

  static SparkConfig from(ConfigValues values) {
    Map<String, String> properties = new TreeMap<>();
    values.sparkConf().forEach((name, resolved) -> properties.put(name, resolved.text()));
    return new SparkConfig(
        values.get(MASTER), values.get(SHUFFLE_PARTITIONS), values.find(JOB_JAR), properties);
  }
}
