package dev.adlake.spark.ingestion.enrich;

import dev.adlake.spark.LakeTables;
import java.util.List;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.SparkSession;

/**
 * Appends a micro-batch's data files to an Iceberg table at most once: the commit's snapshot
 * summary carries the streaming query's id and the batch id, and a batch replayed after a crash
 * finds its commit and skips it. With Spark's checkpointed offsets this makes the table exactly
 * once.
 */
final class StreamCommits {
  static final String QUERY_PROPERTY = "adlake.stream-query";
  static final String BATCH_PROPERTY = "adlake.stream-batch";

  private StreamCommits() {}

  /**
   * The table as the session's catalog holds it, refreshed; commits through it are seen by the
   * session's reads.
   */
  static Table load(SparkSession spark, String tableName) {
    return LakeTables.load(spark, tableName);
  }

  /** Commits the files as this query's batch; nothing when there are none. */
  static void append(Table table, List<DataFile> files, String queryId, long batchId) {
    if (files.isEmpty()) {
      return;
    }
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.set(QUERY_PROPERTY, queryId).set(BATCH_PROPERTY, Long.toString(batchId)).commit();
  }

  /** Whether the table's history, newest first, holds this query's commit of that batch. */
  static boolean committed(Table table, String queryId, long batchId) {
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
}
