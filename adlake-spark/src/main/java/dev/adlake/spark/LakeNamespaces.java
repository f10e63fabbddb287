package dev.adlake.spark;

import org.apache.spark.sql.SparkSession;

/** Creates namespaces of the lake catalog safely when several processes start at once. */
public final class LakeNamespaces {
  private LakeNamespaces() {}

  /**
   * Creates the namespace unless it exists. Iceberg's JDBC catalog checks, then inserts: two
   * processes creating the same namespace at once make one fail on the insert, after which the
   * namespace exists, so a failure is retried once.
   */
  public static void ensure(SparkSession spark, String namespace) {
    String sql = "CREATE NAMESPACE IF NOT EXISTS " + namespace;
    try {
      spark.sql(sql);
    } catch (RuntimeException raced) {
      spark.sql(sql);
    }
  }
}
