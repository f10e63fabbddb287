package dev.adlake.spark.flywheel;

import org.apache.spark.sql.SparkSession;

/**
 * Joins of the bucketed tables without a shuffle. Two Iceberg tables partitioned by the same {@code
 * bucket(N, customer_user_id)} hold each key's rows in the same bucket, so Spark's
 * storage-partitioned join reads them bucket by bucket and plans no exchange. That needs settings
 * that would change how every other partitioned table is scanned (a task per partition value), so
 * they are set on a session of their own, not on the platform's.
 */
public final class BucketedJoins {
  private BucketedJoins() {}

  /** A new session of the same Spark application and catalogs, with storage-partitioned joins. */
  public static SparkSession session(SparkSession spark) {
    SparkSession session = spark.newSession();
    session.conf().set("spark.sql.sources.v2.bucketing.enabled", "true");
    session.conf().set("spark.sql.sources.v2.bucketing.pushPartValues.enabled", "true");
    session.conf().set("spark.sql.iceberg.planning.preserve-data-grouping", "true");
    session.conf().set("spark.sql.requireAllClusterKeysForCoPartition", "false");
    return session;
  }
}
