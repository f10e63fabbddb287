package dev.adlake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionSizingTest {
  private static final String ADVISORY = "spark.sql.adaptive.advisoryPartitionSizeInBytes";
  private static final String INITIAL = "spark.sql.adaptive.coalescePartitions.initialPartitionNum";

  @Test
  void theAdvisorySizeIsASixteenthOfATasksShareOfTheUnifiedMemoryWithinBounds() {
    // 8 GB executors of 4 cores: 8 GB * 0.6 / 4 / 16 = 76.8 MB.
    assertThat(PartitionSizing.properties(8L << 30, 4, 8).get(ADVISORY))
        .isEqualTo(String.valueOf((long) ((8L << 30) * 0.6 / 4) / 16));
    // Spark's default executor, 1 GB and 1 core: 38.4 MB.
    assertThat(Long.parseLong(PartitionSizing.properties(1L << 30, 1, 8).get(ADVISORY)))
        .isEqualTo((long) ((1L << 30) * 0.6) / 16);
    // A small heap still gets 16 MB partitions; a large one no more than 128 MB.
    assertThat(PartitionSizing.properties(256L << 20, 4, 8).get(ADVISORY))
        .isEqualTo(String.valueOf(16L << 20));
    assertThat(PartitionSizing.properties(64L << 30, 1, 8).get(ADVISORY))
        .isEqualTo(String.valueOf(128L << 20));
  }

  @Test
  void shufflesStartWideEnoughForLargeDataAndTheConfiguredWidthIsAFloor() {
    assertThat(PartitionSizing.properties(1L << 30, 1, 8).get(INITIAL)).isEqualTo("200");
    assertThat(PartitionSizing.properties(1L << 30, 1, 512).get(INITIAL)).isEqualTo("512");
  }

  @Test
  void shufflesOfTheInitialWidthWriteOneFilePerTask() {
    int bypass =
        Integer.parseInt(
            PartitionSizing.properties(1L << 30, 1, 8)
                .get("spark.shuffle.sort.bypassMergeThreshold"));

    assertThat(bypass).isLessThan(PartitionSizing.INITIAL_PARTITIONS);
  }

  @Test
  void localMastersCountTheirCoresAndClustersReadTheExecutorSettings() {
    assertThat(PartitionSizing.localCores("local")).isEqualTo(1);
    assertThat(PartitionSizing.localCores("local[3]")).isEqualTo(3);
    assertThat(PartitionSizing.localCores("local[2,4]")).isEqualTo(2);
    assertThat(PartitionSizing.localCores("local[*]"))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(
            PartitionSizing.forSession(
                    "spark://master:7077",
                    Map.of("spark.executor.memory", "4g", "spark.executor.cores", "2"),
                    8)
                .get(ADVISORY))
        .isEqualTo(String.valueOf((long) ((4L << 30) * 0.6 / 2) / 16));
  }
}
