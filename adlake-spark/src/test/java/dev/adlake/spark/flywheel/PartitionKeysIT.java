package dev.adlake.spark.flywheel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.spark.TestPlatform;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Spark's own hash exchange sends each of the keys {@link PartitionKeys} picks to the partition it
 * was picked for, and {@link SnapshotBucketer#fileOf} deals a table's rows into files of
 * consecutive buckets within one slice of each other.
 */
class PartitionKeysIT {
  @Test
  void eachKeyLandsInItsPartition() {
    SparkSession spark = TestPlatform.get().spark();
    for (int n : new int[] {1, 7, 64, 300}) {
      int[] keys = PartitionKeys.identity(n);
      Column key =
          functions.element_at(
              functions.array(Arrays.stream(keys).mapToObj(functions::lit).toArray(Column[]::new)),
              functions.col("id").cast("int").plus(1));
      List<Row> wrong =
          spark
              .range(n)
              .toDF()
              .repartition(n, key)
              .where(functions.spark_partition_id().notEqual(functions.col("id").cast("int")))
              .collectAsList();
      assertThat(wrong).as("%d partitions", n).isEmpty();
    }
  }

  @Test
  void filesHoldConsecutiveBucketsAndEvenShares() {
    SparkSession spark = TestPlatform.get().spark();
    int buckets = 256;
    int files = 200;
    List<Row> perFile =
        spark
            .range(400_000)
            .select(
                functions.concat(functions.lit("cu-"), functions.col("id")).as("customer_user_id"))
            .select(
                SnapshotBucketer.fileOf(buckets, files).as("key"),
                SnapshotBucketer.bucket(buckets).as("bucket"))
            .repartition(files, functions.col("key"))
            .groupBy(functions.spark_partition_id().as("file"))
            .agg(
                functions.count(functions.lit(1)).as("rows"),
                functions.min("bucket").as("first"),
                functions.max("bucket").as("last"))
            .orderBy("file")
            .collectAsList();
    assertThat(perFile).hasSize(files);
    long expected = 400_000 / files;
    int lastBucket = -1;
    for (Row file : perFile) {
      assertThat(file.getLong(1))
          .as("rows of file %d", file.getInt(0))
          .isBetween(expected * 9 / 10, expected * 11 / 10);
      assertThat(file.getInt(2))
          .as("file %d starts where the last ended", file.getInt(0))
          .isGreaterThanOrEqualTo(lastBucket);
      lastBucket = file.getInt(3);
    }
  }
}
