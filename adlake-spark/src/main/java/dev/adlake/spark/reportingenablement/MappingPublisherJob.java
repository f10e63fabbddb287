package dev.adlake.spark.reportingenablement;

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
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.CopyRows;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.reportingenablement.MappingTables.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 * the tables the index lists are dropped (so those of partners and regions no longer present go
 * too), the new ones renamed and the index rewritten, in one transaction. Readers see the whole
 * previous publication or the whole new one; a run that fails leaves the previous one; a table the
 * index does not list is never dropped, whatever its name. A rerun on the same snapshot gives the
 * same tables. Nothing is touched while {@code user_ids} does not exist.
 */
public final class MappingPublisherJob implements SparkJob {
  public static final String NAME = "mapping-publisher";

  /** The PostgreSQL schema of the published tables: the serving store's. */
  public static final String SERVING_SCHEMA = "serving";

  /** The serving table listing the published tables with their row counts. */
  public static final String INDEX_TABLE = MappingTables.INDEX_TABLE;

  /** The lake namespace of the views. */
  public static final String VIEW_NAMESPACE = "reporting";

  /** How long the swap waits for a lock on a table readers hold before the run fails. */
  static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

  private static final String COLUMNS = "id, canonical_id, first_seen, last_seen";

  /** PostgreSQL's SQLSTATE when a lock is not granted in time. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final IdentityTables identity;
  private final String servingSchema;
  private final String viewNamespace;
  private final JobDefinition definition;
  private final Consumer<String> progress;

  /**
   * The platform's publisher: {@code identity.user_ids} to {@code serving} and {@code reporting}.
   */
  public MappingPublisherJob() {
    this(IdentityTables.DEFAULT, SERVING_SCHEMA, VIEW_NAMESPACE);
  }

  /**
   * @param identity the lake tables of the identity graph it reads
   * @param servingSchema the PostgreSQL schema it publishes the tables in; it must hold the index
   *     table {@code mapping_tables}, as migration V4 makes it in {@code serving}
   * @param viewNamespace the lake namespace it keeps the views in
   */
  public MappingPublisherJob(IdentityTables identity, String servingSchema, String viewNamespace) {
    this(identity, servingSchema, viewNamespace, line -> {});
  }

  private MappingPublisherJob(
      IdentityTables identity,
      String servingSchema,
      String viewNamespace,
      Consumer<String> progress) {
    this.progress = requireNonNull(progress, "progress is null");
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
                Dataset.view(viewNamespace + "." + MappingTables.VIEW_PREFIX + "*")),
            List.of());
  }

  /** The same job with a line per step going to {@code progress}. */
  public MappingPublisherJob withProgress(Consumer<String> progress) {
    return new MappingPublisherJob(identity, servingSchema, viewNamespace, progress);
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    return withProgress(context.progress()).execute(context, parameters);
  }

  private JobResult execute(SparkJobContext context, JobParameters parameters) {
    SparkSession spark = context.spark();
    Map<String, Long> figures = new LinkedHashMap<>();
    if (!spark.catalog().tableExists(identity.userIds())) {
      progress.accept(
          "%s does not exist yet: nothing published, nothing dropped"
              .formatted(identity.userIds()));
      figures.put("tables_published", 0L);
      return new JobResult(0, 0, figures);
    }
    // One snapshot for the counts and the rows, whatever the mapper commits meanwhile.
    Snapshot snapshot = LakeTables.load(spark, identity.userIds()).currentSnapshot();
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
   * @param targets the tables, in the order of {@code sorted}'s partners and regions
   * @param expected the rows of each partner and region in the snapshot
   * @return the number of tables of the previous publication dropped because their partner and
   *     region are gone
   */
  private long publishTables(
      SparkJobContext context,
      List<Target> targets,
      Map<Map.Entry<String, String>, Long> expected,
      org.apache.spark.sql.Dataset<Row> sorted,
      Long snapshotId) {
    try (Connection connection = context.metadata().dataSource().getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement lock =
            connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtext('adlake." + NAME + "'), hashtext(?))")) {
          // Two publications of the same schema take turns; each is complete on its own.
          lock.setString(1, servingSchema);
          lock.executeQuery().close();
        }
        PeekingIterator rows = new PeekingIterator(sorted.toLocalIterator());
        for (int i = 0; i < targets.size(); i++) {
          Target target = targets.get(i);
          Map.Entry<String, String> pair = Map.entry(target.partner(), target.region());
          String load = stagingTable(i);
          try (Statement statement = connection.createStatement()) {
            statement.execute(
                ("CREATE TABLE %s.%s (id TEXT NOT NULL, canonical_id BIGINT NOT NULL, first_seen"
                        + " TIMESTAMPTZ, last_seen TIMESTAMPTZ)")
                    .formatted(servingSchema, load));
          }
          long copied =
              CopyRows.copy(
                  progress,
                  connection,
                  servingSchema + "." + load,
                  COLUMNS,
                  rows.whileSame(pair),
                  CopyRows.text("id"),
                  CopyRows.number("canonical_id"),
                  CopyRows.utc("first_seen"),
                  CopyRows.utc("last_seen"));
          // Also catches rows out of order: a partner and region that is not next copies none.
          if (copied != expected.get(pair)) {
            throw new IllegalStateException(
                "Copied %d rows for %s, but snapshot %d counts %d"
                    .formatted(copied, target.table(), snapshotId, expected.get(pair)));
          }
          try (Statement statement = connection.createStatement()) {
            // The key after the load: one index build instead of an insert per row.
            statement.execute(
                "ALTER TABLE %s.%s ADD CONSTRAINT %s PRIMARY KEY (id)"
                    .formatted(servingSchema, load, load + "_pkey"));
            statement.execute("ANALYZE %s.%s".formatted(servingSchema, load));
          }
        }
        if (rows.hasNext()) {
          Row row = rows.peek();
          throw new IllegalStateException(
              "Rows of partner '%s' in region '%s' came without a count in snapshot %d"
                  .formatted(row.getString(0), row.getString(1), snapshotId));
        }
        long dropped = swap(connection, targets, expected, snapshotId, context.runId());
        connection.commit();
        progress.accept(
            "%s: %d map table(s) published, %d dropped"
                .formatted(servingSchema, targets.size(), dropped));
        return dropped;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      String reason =
          LOCK_NOT_AVAILABLE.equals(e.getSQLState())
              ? "a reader held a table longer than the lock timeout, %d s"
                  .formatted(LOCK_TIMEOUT.toSeconds())
              : e.getMessage();
      throw new ExternalFailureException(
          "Cannot publish %d mapping table(s) to schema %s: %s"
              .formatted(targets.size(), servingSchema, reason),
          e);
    }
  }

  /** The table the {@code index}-th target is loaded into before the swap. */
  private static String stagingTable(int index) {
    return "mapping_load_" + index;
  }

  /**
   * Drops the tables of the previous publication, as the index lists them, renames the loaded ones
   * and rewrites the index, in the caller's transaction. Tables the index does not list are never
   * touched, whatever their name.
   */
  private long swap(
      Connection connection,
      List<Target> targets,
      Map<Map.Entry<String, String>, Long> expected,
      Long snapshotId,
      long runId)
      throws SQLException {
    Set<String> previous = new LinkedHashSet<>();
    try (Statement statement = connection.createStatement()) {
      try (ResultSet names =
          statement.executeQuery(
              "SELECT table_name FROM %s.%s".formatted(servingSchema, MappingTables.INDEX_TABLE))) {
        while (names.next()) {
          previous.add(names.getString(1));
        }
      }
      // A drop waits for every reader of the table; without a limit, one long query would hold
      // the swap, and every query queued behind its lock, for as long as it runs.
      statement.execute("SET LOCAL lock_timeout = '%dms'".formatted(LOCK_TIMEOUT.toMillis()));
      for (String table : previous) {
        // IF EXISTS: a table dropped by hand is no reason to keep the previous publication.
        statement.execute(
            "DROP TABLE IF EXISTS %s.%s".formatted(servingSchema, MappingTables.quote(table)));
      }
      for (int i = 0; i < targets.size(); i++) {
        String table = targets.get(i).table();
        statement.execute(
            "ALTER TABLE %s.%s RENAME TO %s"
                .formatted(servingSchema, stagingTable(i), MappingTables.quote(table)));
        statement.execute(
            "ALTER INDEX %s.%s RENAME TO %s"
                .formatted(
                    servingSchema,
                    stagingTable(i) + "_pkey",
                    MappingTables.quote(table + "_pkey")));
        previous.remove(table);
      }
      statement.execute("DELETE FROM %s.%s".formatted(servingSchema, MappingTables.INDEX_TABLE));
    }
    try (PreparedStatement index =
        connection.prepareStatement(
            ("INSERT INTO %s.%s (table_name, partner, region, row_count, snapshot_id, run_id,"
                    + " published_at) VALUES (?, ?, ?, ?, ?, ?, now())")
                .formatted(servingSchema, MappingTables.INDEX_TABLE))) {
      for (Target target : targets) {
        index.setString(1, target.table());
        index.setString(2, target.partner());
        index.setString(3, target.region());
        index.setLong(4, expected.get(Map.entry(target.partner(), target.region())));
        index.setObject(5, snapshotId);
        index.setLong(6, runId);
        index.addBatch();
      }
      index.executeBatch();
    }
    // What is left of the previous publication are the tables of partners and regions now gone.
    return previous.size();
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
