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

  /**
   * The commit of a load on the table's main branch: one that names it alone, or a batch's commit
   * that lists it (whose counts are then the load's rows in the table and its rejects).
   */
  static Optional<Commit> find(SparkSession spark, String table, long loadId) {
    if (!spark.catalog().tableExists(table)) {
      return Optional.empty();
    }
    List<Row> rows =
        spark
            .sql(
                ("SELECT s.snapshot_id, s.summary['adlake.rows-read'],"
                        + " s.summary['adlake.rows-written'], s.summary['adlake.rows-rejected'],"
                        + " s.summary['adlake.generation'], s.summary['%s'] IS NULL FROM %s.snapshots s"
                        + " JOIN %s.history h ON h.snapshot_id = s.snapshot_id AND h.is_current_ancestor"
                        + " WHERE s.summary['%s'] = '%d'"
                        + " OR array_contains(split(s.summary['%s'], ','), '%d')"
                        + " ORDER BY s.committed_at DESC LIMIT 1")
                    .formatted(
                        FeedTables.LOAD_PROPERTY,
                        table,
                        table,
                        FeedTables.LOAD_PROPERTY,
                        loadId,
                        BatchLoader.LOAD_IDS_PROPERTY,
                        loadId))
            .collectAsList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row row = rows.get(0);
    if (row.getBoolean(5) && withdrawn(spark, table, loadId)) {
      // Its batch published without it: the load failed there and is not in the table.
      return Optional.empty();
    }
    if (row.getBoolean(5)) {
      // A batch's commit: the load's own counts are its rows in the table and its rejects.
      long written = count(spark, table, loadId);
      long rejected = count(spark, table + "__rejects", loadId);
      return Optional.of(
          new Commit(row.getLong(0), written + rejected, written, rejected, row.getString(4)));
    }
    return Optional.of(
        new Commit(
            row.getLong(0),
            number(row.getString(1)),
            number(row.getString(2)),
            number(row.getString(3)),
            row.getString(4)));
  }

  private static boolean withdrawn(SparkSession spark, String table, long loadId) {
    return !spark
        .sql(
            ("SELECT 1 FROM %s.snapshots s JOIN %s.history h ON h.snapshot_id = s.snapshot_id"
                    + " AND h.is_current_ancestor"
                    + " WHERE array_contains(split(s.summary['%s'], ','), '%d') LIMIT 1")
                .formatted(table, table, BatchLoader.WITHDRAWN_PROPERTY, loadId))
        .isEmpty();
  }

  private static long count(SparkSession spark, String table, long loadId) {
    if (!spark.catalog().tableExists(table)) {
      return 0;
    }
    spark.sql("REFRESH TABLE " + table);
    return spark
        .sql("SELECT count(*) FROM %s WHERE %s = %d".formatted(table, FeedTables.LOAD_ID, loadId))
        .first()
        .getLong(0);
  }

  private static long number(String text) {
    return text == null ? 0 : Long.parseLong(text);
  }
}
