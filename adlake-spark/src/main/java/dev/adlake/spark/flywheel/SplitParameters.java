package dev.adlake.spark.flywheel;

import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.JobParameter;
import java.util.List;

/** The parameters of the flywheel's split-and-bucket jobs, as the design's job arguments. */
final class SplitParameters {
  static final JobParameter<java.time.LocalDate> SNAPSHOT_DT =
      JobParameter.optional(
          "snapshot-dt",
          ValueType.date(),
          null,
          "The snapshot to process (YYYY-MM-DD); unset: the latest snapshot_dt= folder");
  static final JobParameter<Integer> BUCKET_COUNT =
      JobParameter.optional(
          "bucket-count",
          ValueType.integer(1, 65_536),
          "256",
          "Buckets of customer_user_id, as the bucketed tables' bucket(N, customer_user_id)");
  static final JobParameter<Double> TARGET_FILE_MB =
      JobParameter.optional(
          "target-file-mb",
          ValueType.decimal(0.001, 65_536),
          "512",
          "The size of the Parquet files written, in MB: files per table = size / target");

  static final List<JobParameter<?>> ALL = List.of(SNAPSHOT_DT, BUCKET_COUNT, TARGET_FILE_MB);

  private SplitParameters() {}

  static long targetBytes(double megabytes) {
    return Math.max(1, Math.round(megabytes * 1024 * 1024));
  }
}
