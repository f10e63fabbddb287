package dev.adlake.spark.flywheel;

import dev.adlake.core.InvalidInputException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;

/**
 * Writes a table as Hive-bucketed Parquet files: one file a bucket, named as Hive names them
 * ({@code 000042_0}), the bucket of a row being Hive's: {@code (hash & Integer.MAX_VALUE) % N} with
 * Hive's hash of the key (for a string, {@code 31 * h + b} over its UTF-8 bytes, as Hive's {@code
 * ObjectInspectorUtils.hashCode} computes it). Spark's own {@code bucketBy} uses Murmur3, which
 * Hive and Athena do not read as buckets.
 */
final class HiveBucketedFiles {
  private HiveBucketedFiles() {}

  /** Hive's hash of a string key, and its bucket among {@code buckets}. */
  static int bucket(String key, int buckets) {
    return (hash(key) & Integer.MAX_VALUE) % buckets;
  }

  static int hash(String key) {
    int hash = 0;
    for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      hash = hash * 31 + b;
    }
    return hash;
  }

  /**
   * Writes the rows into {@code folder}, replacing it: task {@code i} writes bucket {@code i}, its
   * file renamed to Hive's name; an empty bucket gets no file, as Hive allows.
   *
   * @return the files written
   */
  static int write(
      SparkSession spark, Dataset<Row> rows, int buckets, URI folder, FlywheelFiles files) {
    int key = rows.schema().fieldIndex(SnapshotBucketer.KEY);
    if (!rows.schema().fields()[key].dataType().equals(DataTypes.StringType)) {
      throw new InvalidInputException(
          "Cannot write Hive buckets of %s: Hive's hash is implemented here for string keys only"
              .formatted(SnapshotBucketer.KEY));
    }
    JavaRDD<Row> byBucket =
        rows.javaRDD()
            .mapToPair(
                row ->
                    new Tuple2<>(row.isNullAt(key) ? 0 : bucket(row.getString(key), buckets), row))
            .partitionBy(new BucketPartitioner(buckets))
            .values();
    URI written = FlywheelFiles.folder(folder).resolve("../_adlake_hive_writing/");
    spark
        .createDataFrame(byBucket, rows.schema())
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(written.toString());
    files.delete(folder);
    files.mkdirs(folder);
    List<FileStatus> parts = files.dataFiles(written);
    int count = 0;
    for (FileStatus part : parts) {
      // Spark names the file of task i part-0000i-...: task i held bucket i.
      String name = part.getPath().getName();
      if (!name.startsWith("part-")) {
        continue;
      }
      int bucket = Integer.parseInt(name.substring(5, name.indexOf('-', 5)));
      files.rename(
          part.getPath().toUri(),
          FlywheelFiles.folder(folder).resolve(String.format(Locale.ROOT, "%06d_0", bucket)));
      count++;
    }
    files.delete(written);
    return count;
  }

  /** Sends bucket {@code i} to partition {@code i}. */
  private static final class BucketPartitioner extends Partitioner {
    private final int buckets;

    BucketPartitioner(int buckets) {
      this.buckets = buckets;
    }

    @Override
    public int numPartitions() {
      return buckets;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof BucketPartitioner that && that.buckets == buckets;
    }

    @Override
    public int hashCode() {
      return buckets;
    }
  }
}
