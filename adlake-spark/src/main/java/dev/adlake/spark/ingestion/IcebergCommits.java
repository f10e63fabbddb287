package dev.adlake.spark.ingestion;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Finds the commit a load made, by the load id it carries in its snapshot summary. */
final class IcebergCommits {
  /** A commit found: its snapshot and the counts it recorded. */
  record Commit(
      long snapshotId, long rowsRead, long rowsWritten, long rowsRejected, String generation) {}

  private IcebergCommits() {}

  static Optional<Long> snapshotOf(SparkSession spark, String table, long loadId) {
    return find(spark, table, loadId).map(Commit::snapshotId);
  }

  static Optional<Commit> find(SparkSession spark, String table, long loadId) {
    if (!spark.catalog().tableExists(table)) {
      return Optional.empty();
    }
    List<Row> rows =
        spark
            .sql(
                ("SELECT snapshot_id, summary['adlake.rows-read'], summary['adlake.rows-written'],"
                        + " summary['adlake.rows-rejected'], summary['adlake.generation'] FROM %s.snapshots"
                        + " WHERE summary['%s'] = '%d' ORDER BY committed_at DESC LIMIT 1")
                    .formatted(table, FeedTables.LOAD_PROPERTY, loadId))
            .collectAsList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row row = rows.get(0);
    return Optional.of(
        new Commit(
            row.getLong(0),
            number(row.getString(1)),
            number(row.getString(2)),
            number(row.getString(3)),
            row.getString(4)));
  }

  private static long number(String text) {
    return text == null ? 0 : Long.parseLong(text);
  }
}
