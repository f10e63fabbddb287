package dev.adlake.spark;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.LakeConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;

/** Iceberg's own view of the lake's tables, for what Spark's API does not reach. */
public final class LakeTables {
  private LakeTables() {}

  /**
   * The table as the session's catalog holds it, refreshed; commits through it are seen by the
   * session's reads.
   */
  public static Table load(SparkSession spark, String tableName) {
    Table table;
    try {
      table = Spark3Util.loadIcebergTable(spark, LakeConfig.CATALOG_NAME + "." + tableName);
    } catch (ParseException | NoSuchTableException e) {
      throw new ExternalFailureException("Cannot load table " + tableName, e);
    }
    table.refresh();
    return table;
  }
}
