package dev.adlake.spark.identity;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.spark.JobContext;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.identity.MappingTables.Target;
import dev.adlake.spark.metrics.CopyRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Publishes the identity graph for reporting (the seed's Reporting Enablement job, split out of the
 * userIdsMapper): from one snapshot of {@code user_ids}, the ids that are not set aside as hubs go
 * to one PostgreSQL table {@code map_<partner>_<region>} per partner and region in the serving
 * schema, with the index table {@code mapping_tables} listing them; and each region gets a view
 * {@code mapping_<region>} over the lake table in the catalog.
 *
 * <p>The tables are replaced all at once: each is loaded with {@code COPY} into a new table, then
 * the old tables are dropped and the new ones renamed, and {@code map_*} tables of partners and
 * regions no longer present are dropped, in one transaction. Readers see the whole previous
 * publication or the whole new one; a run that fails leaves the previous one. A rerun on the same
 * snapshot gives the same tables. Nothing is touched while {@code user_ids} does not exist.
 */
public final class MappingPublisherJob implements SparkJob {
  public static final String NAME = "mapping-publisher";

  /** The PostgreSQL schema of the published tables: the serving store's. */
  public static final String SERVING_SCHEMA = "serving";

  /** The serving table listing the published tables with their row counts. */
  public static final String INDEX_TABLE = MappingTables.INDEX_TABLE;

  /** The lake namespace of the views. */
  public static final String VIEW_NAMESPACE = "reporting";

  private static final String COLUMNS = "id, canonical_id, first_seen, last_seen";

  private final IdentityTables identity;
  private final String servingSchema;
  private final String viewNamespace;
  private final JobDefinition definition;
  private Consumer<String> progress = line -> {};

  /**
   * The platform's publisher: {@code identity.user_ids} to {@code serving} and {@code reporting}.
   */
  public MappingPublisherJob() {
    this(IdentityTables.DEFAULT, SERVING_SCHEMA, VIEW_NAMESPACE);
  }

  /**
   * @param identity the lake tables of the identity graph it reads
   * @param servingSchema the PostgreSQL schema it publishes the tables and their index in
   * @param viewNamespace the lake namespace it keeps the views in
   */
  public MappingPublisherJob(IdentityTables identity, String servingSchema, String viewNamespace) {
    this.identity = requireNonNull(identity, "identity is null");
    this.servingSchema = MappingTables.requireSchema(servingSchema);
    this.viewNamespace = requireNonNull(viewNamespace, "viewNamespace is null");
    this.definition =
        new JobDefinition(
            NAME,
            Domain.REPORTING_ENABLEMENT,
            JobKind.BATCH,
            "Publishes the identity mapping for reporting: a serving table of ids and canonical"
                + " ids per partner and region, and a catalog view per region",
            List.of(Dataset.table(identity.userIds())),
            List.of(
                Dataset.servingTable(servingSchema + "." + MappingTables.TABLE_PREFIX + "*"),
                Dataset.servingTable(servingSchema + "." + MappingTables.INDEX_TABLE),
                Dataset.table(viewNamespace + "." + MappingTables.VIEW_PREFIX + "*")),
            List.of());
  }

  /** Where a line per step goes while the job runs. */
  public MappingPublisherJob withProgress(Consumer<String> progress) {
    this.progress = requireNonNull(progress, "progress is null");
    return this;
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(JobContext context, JobParameters parameters) {
    SparkSession spark = context.spark();
    Map<String, Long> figures = new LinkedHashMap<>();
    if (!spark.catalog().tableExists(identity.userIds())) {
      progress.accept(
          "%s does not exist yet: nothing published, nothing dropped"
              .formatted(identity.userIds()));
      figures.put("tables_published", 0L);
      return new JobResult(0, 0, figures);
    }
    Table table;
    try {
      table =
          Spark3Util.loadIcebergTable(spark, LakeConfig.CATALOG_NAME + "." + identity.userIds());
    } catch (org.apache.spark.sql.catalyst.parser.ParseException
        | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new ExternalFailureException("Cannot load table " + identity.userIds(), e);
    }
    table.refresh();
    // One snapshot for the counts and the rows, whatever the mapper commits meanwhile.
    Snapshot snapshot = table.currentSnapshot();
    Long snapshotId = snapshot == null ? null : snapshot.snapshotId();
    org.apache.spark.sql.Dataset<Row> rows =
        snapshot == null
            ? spark.createDataFrame(List.of(), IdentityTables.USER_IDS_SCHEMA)
            : spark.sql(
                "SELECT * FROM %s.%s VERSION AS OF %d"
                    .formatted(LakeConfig.CATALOG_NAME, identity.userIds(), snapshotId));

    Map<Map.Entry<String, String>, Long> expected = new LinkedHashMap<>();
    long setAside = 0;
    for (Row count :
        rows.groupBy("partner", "region")
            .agg(
                org.apache.spark.sql.functions.expr("count_if(NOT set_aside)").as("published"),
                org.apache.spark.sql.functions.expr("count_if(set_aside)").as("set_aside"))
            .orderBy("partner", "region")
            .collectAsList()) {
      setAside += count.getLong(3);
      if (count.getLong(2) > 0) {
        expected.put(Map.entry(count.getString(0), count.getString(1)), count.getLong(2));
      }
    }
    List<Target> targets = MappingTables.targets(List.copyOf(expected.keySet()));
    long published = expected.values().stream().mapToLong(Long::longValue).sum();
    figures.put("ids_set_aside", setAside);

    org.apache.spark.sql.Dataset<Row> sorted =
        rows.where(col("set_aside").equalTo(false))
            .select("partner", "region", "id", "canonical_id", "first_seen", "last_seen")
            .orderBy("partner", "region");
    long dropped = publishTables(context, targets, expected, sorted, snapshotId);
    figures.put("tables_published", (long) targets.size());
    figures.put("tables_dropped", dropped);

    TreeSet<String> regions = new TreeSet<>();
    targets.forEach(target -> regions.add(target.region()));
    MappingViews.Changes views =
        MappingViews.publish(spark, viewNamespace, identity.userIds(), regions);
    figures.put("views_created", (long) views.created());
    figures.put("views_replaced", (long) views.replaced());
    figures.put("views_dropped", (long) views.dropped());
    progress.accept(
        "views in %s: %d created, %d replaced, %d unchanged, %d dropped"
            .formatted(
                viewNamespace,
                views.created(),
                views.replaced(),
                views.unchanged(),
                views.dropped()));
    return new JobResult(published + setAside, published, figures);
  }

  /**
   * Loads every table anew and swaps them in, in one transaction.
   *
   * @return the number of {@code map_*} tables dropped because their partner and region are gone
   */
  private long publishTables(
      JobContext context,
      List<Target> targets,
      Map<Map.Entry<String, String>, Long> expected,
      org.apache.spark.sql.Dataset<Row> sorted,
      Long snapshotId) {
    String schema = servingSchema;
    try (Connection connection = context.metadata().dataSource().getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement lock =
            connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtext('adlake." + NAME + "'), hashtext(?))")) {
          // Two publications of the same schema take turns; each is complete on its own.
          lock.setString(1, schema);
          lock.executeQuery().close();
        }
        try (Statement statement = connection.createStatement()) {
          statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
          statement.execute(
              ("CREATE TABLE IF NOT EXISTS %s.%s (table_name TEXT PRIMARY KEY, partner TEXT NOT"
                      + " NULL, region TEXT NOT NULL, row_count BIGINT NOT NULL, snapshot_id"
                      + " BIGINT, run_id BIGINT, published_at TIMESTAMPTZ NOT NULL, UNIQUE"
                      + " (partner, region))")
                  .formatted(schema, MappingTables.INDEX_TABLE));
        }
        Map<Map.Entry<String, String>, String> staging = new HashMap<>();
        Map<String, Long> copied = new LinkedHashMap<>();
        Map<Map.Entry<String, String>, Target> byPair = new HashMap<>();
        targets.forEach(target -> byPair.put(Map.entry(target.partner(), target.region()), target));
        PeekingIterator all = new PeekingIterator(sorted.toLocalIterator());
        while (all.hasNext()) {
          Row first = all.peek();
          Map.Entry<String, String> pair = Map.entry(first.getString(0), first.getString(1));
          Target target = byPair.get(pair);
          if (target == null || staging.containsKey(pair)) {
            throw new IllegalStateException(
                "Rows of partner '%s' in region '%s' came %s"
                    .formatted(
                        pair.getKey(),
                        pair.getValue(),
                        target == null ? "without a count" : "in two runs, not sorted"));
          }
          String load = "mapping_load_" + staging.size();
          staging.put(pair, load);
          try (Statement statement = connection.createStatement()) {
            statement.execute(
                ("CREATE TABLE %s.%s (id TEXT NOT NULL, canonical_id BIGINT NOT NULL, first_seen"
                        + " TIMESTAMPTZ, last_seen TIMESTAMPTZ)")
                    .formatted(schema, load));
          }
          long count =
              CopyRows.copy(
                  progress,
                  connection,
                  schema + "." + load,
                  COLUMNS,
                  all.whileSame(pair),
                  CopyRows.text("id"),
                  CopyRows.number("canonical_id"),
                  CopyRows.utc("first_seen"),
                  CopyRows.utc("last_seen"));
          if (count != expected.get(pair)) {
            throw new IllegalStateException(
                "Copied %d rows for %s, but snapshot %d counts %d"
                    .formatted(count, target.table(), snapshotId, expected.get(pair)));
          }
          copied.put(target.table(), count);
          try (Statement statement = connection.createStatement()) {
            // The key after the load: one index build instead of an insert per row.
            statement.execute(
                "ALTER TABLE %s.%s ADD CONSTRAINT %s PRIMARY KEY (id)"
                    .formatted(schema, load, load + "_pkey"));
            statement.execute("ANALYZE %s.%s".formatted(schema, load));
          }
        }
        if (staging.size() != targets.size()) {
          throw new IllegalStateException(
              "Loaded %d of %d mapping tables from snapshot %d"
                  .formatted(staging.size(), targets.size(), snapshotId));
        }
        long dropped = swap(connection, targets, staging, copied, snapshotId, context.runId());
        connection.commit();
        progress.accept(
            "%s: %d map table(s) published, %d dropped".formatted(schema, targets.size(), dropped));
        return dropped;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot publish %d mapping table(s) to schema %s: %s"
              .formatted(targets.size(), schema, e.getMessage()),
          e);
    }
  }

  /** Drops the old tables, renames the loaded ones and rewrites the index, in the caller's work. */
  private long swap(
      Connection connection,
      List<Target> targets,
      Map<Map.Entry<String, String>, String> staging,
      Map<String, Long> copied,
      Long snapshotId,
      long runId)
      throws SQLException {
    String schema = servingSchema;
    Set<String> wanted = new LinkedHashSet<>();
    targets.forEach(target -> wanted.add(target.table()));
    List<String> old = new ArrayList<>();
    try (PreparedStatement tables =
        connection.prepareStatement(
            "SELECT tablename FROM pg_tables WHERE schemaname = ? AND tablename LIKE 'map\\_%'")) {
      tables.setString(1, schema);
      try (ResultSet names = tables.executeQuery()) {
        while (names.next()) {
          old.add(names.getString(1));
        }
      }
    }
    long dropped = 0;
    try (Statement statement = connection.createStatement()) {
      for (String table : old) {
        statement.execute("DROP TABLE %s.%s".formatted(schema, MappingTables.quote(table)));
        if (!wanted.contains(table)) {
          dropped++;
        }
      }
      for (Target target : targets) {
        String load = staging.get(Map.entry(target.partner(), target.region()));
        statement.execute(
            "ALTER TABLE %s.%s RENAME TO %s"
                .formatted(schema, load, MappingTables.quote(target.table())));
        statement.execute(
            "ALTER INDEX %s.%s RENAME TO %s"
                .formatted(schema, load + "_pkey", MappingTables.quote(target.table() + "_pkey")));
      }
      statement.execute("DELETE FROM %s.%s".formatted(schema, MappingTables.INDEX_TABLE));
    }
    try (PreparedStatement index =
        connection.prepareStatement(
            ("INSERT INTO %s.%s (table_name, partner, region, row_count, snapshot_id, run_id,"
                    + " published_at) VALUES (?, ?, ?, ?, ?, ?, now())")
                .formatted(schema, MappingTables.INDEX_TABLE))) {
      for (Target target : targets) {
        index.setString(1, target.table());
        index.setString(2, target.partner());
        index.setString(3, target.region());
        index.setLong(4, copied.get(target.table()));
        index.setObject(5, snapshotId);
        index.setLong(6, runId);
        index.addBatch();
      }
      index.executeBatch();
    }
    return dropped;
  }

  /** The rows of a sorted iterator, handed out a partner and region at a time. */
  private static final class PeekingIterator {
    private final Iterator<Row> rows;
    private Row next;

    PeekingIterator(Iterator<Row> rows) {
      this.rows = rows;
    }

    boolean hasNext() {
      return next != null || rows.hasNext();
    }

    Row peek() {
      if (next == null) {
        next = rows.next();
      }
      return next;
    }

    /** The rows from here on of this partner and region. */
    Iterator<Row> whileSame(Map.Entry<String, String> pair) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          if (!PeekingIterator.this.hasNext()) {
            return false;
          }
          Row row = peek();
          return pair.getKey().equals(row.getString(0)) && pair.getValue().equals(row.getString(1));
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row row = next;
          next = null;
          return row;
        }
      };
    }
  }
}
