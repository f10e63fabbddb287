package dev.adlake.spark.enrich;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.LakeConfig;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;

/**
 * Appends a micro-batch to an Iceberg table at most once: the commit's snapshot summary carries the
 * streaming query's id and the batch id, and a batch replayed after a crash finds its commit and
 * skips it. With Spark's checkpointed offsets this makes the table exactly once.
 */
final class StreamCommits {
  static final String QUERY_PROPERTY = "adlake.stream-query";
  static final String BATCH_PROPERTY = "adlake.stream-batch";

  private StreamCommits() {}

  /**
   * Appends the rows unless this query's batch is already in the table.
   *
   * @return the rows appended now: 0 when the batch was committed before
   */
  static long append(Dataset<Row> rows, String tableName, String queryId, long batchId) {
    SparkSession spark = rows.sparkSession();
    if (committed(spark, tableName, queryId, batchId)) {
      return 0;
    }
    long count = rows.count();
    if (count == 0) {
      return 0;
    }
    try {
      rows.writeTo(tableName)
          .option("snapshot-property." + QUERY_PROPERTY, queryId)
          .option("snapshot-property." + BATCH_PROPERTY, Long.toString(batchId))
          .append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new ExternalFailureException("Cannot append to " + tableName + ": it is gone", e);
    }
    return count;
  }

  /** Whether the table's history, newest first, holds this query's commit of that batch. */
  static boolean committed(SparkSession spark, String tableName, String queryId, long batchId) {
    Table table = load(spark, tableName);
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if (queryId.equals(snapshot.summary().get(QUERY_PROPERTY))) {
        // Batches commit in order: the query's newest commit says how far it got.
        return Long.parseLong(snapshot.summary().get(BATCH_PROPERTY)) >= batchId;
      }
    }
    return false;
  }

  private static Table load(SparkSession spark, String tableName) {
    try {
      return Spark3Util.loadIcebergTable(spark, LakeConfig.CATALOG_NAME + "." + tableName);
    } catch (ParseException | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new ExternalFailureException("Cannot load table " + tableName, e);
    }
  }
}
