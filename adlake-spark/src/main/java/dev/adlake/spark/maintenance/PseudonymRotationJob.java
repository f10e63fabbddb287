package dev.adlake.spark.maintenance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import dev.adlake.core.ConflictException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobCatalog;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.PseudonymGenerations;
import dev.adlake.spark.common.PseudonymKey;
import dev.adlake.spark.common.Pseudonymizer;
import dev.adlake.spark.cookiemapping.IdentityTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Rotation of the pseudonym key without losing joins. A new random key becomes the ring's next
 * layer ({@link Pseudonymizer}): every stored pseudonym {@code p} becomes {@code HMAC(new, p)}, the
 * pseudonym the new ring gives the same id, so rows from before and after the rotation still join.
 *
 * <p>What it rewrites: every lake table whose catalog entry names a pseudonym column ({@code
 * streams.events}, {@code streams.mappings}), then the identity graph (our ids, their node ids, and
 * the links and canonical ids that name them). Each table in one commit marked with the new
 * generation, then every older snapshot of it is expired, so no file with the old pseudonyms stays.
 * The key joins the ring only when all is rewritten; until then it waits in a pending file, nothing
 * may pseudonymise, and a rerun after a crash goes on where it stopped.
 *
 * <p>While it runs it holds the run slots of every job that reads or writes those tables (the
 * enricher, the identity graph's mapper, ...): one of them running is an error that names it.
 */
public final class PseudonymRotationJob implements SparkJob {
  public static final String NAME = "rotate-pseudonym-key";

  public static final JobParameter<Boolean> DRY_RUN =
      JobParameter.optional(
          "dry-run",
          ValueType.bool(),
          "false",
          "List the tables and rows it would rewrite; change nothing");

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.MAINTENANCE,
          JobKind.BATCH,
          "Rotates the pseudonym key: every stored pseudonym and the identity graph rewritten to"
              + " the new key ring, so joins across the rotation hold",
          List.of(),
          List.of(Dataset.external("secrets/enrich-pseudonym-rotations")),
          List.of(DRY_RUN));

  private final IdentityTables identity;

  public PseudonymRotationJob() {
    this(IdentityTables.DEFAULT);
  }

  /**
   * @param identity the identity graph rewritten with the tables
   */
  public PseudonymRotationJob(IdentityTables identity) {
    this.identity = identity;
  }

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  @Override
  public JobResult run(JobContext context) {
    SparkJobContext spark = SparkJobContext.of(context);
    return rotate(
        spark,
        context.parameters(),
        holders(context.service(JobCatalog.class), tablesWithPseudonyms(spark)));
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    return rotate(context, parameters, List.of());
  }

  /**
   * The rotation, holding the run slots of the jobs named.
   *
   * @param holders the jobs that may not run meanwhile: those reading or writing the tables
   */
  public JobResult rotate(SparkJobContext context, JobParameters parameters, List<String> holders) {
    AdlakeConfig config = context.config();
    if (!config.enrich().pseudonymizeUserIds()) {
      throw new InvalidInputException(
          "enrich.pseudonymize-user-ids is false: the tables hold no pseudonyms to rotate");
    }
    List<String> ring = PseudonymKey.ring(config);
    int generation = ring.size() + 1;
    List<TableDefinition> tables = lakeTablesWithPseudonyms(context);
    boolean dryRun = parameters.get(DRY_RUN);
    if (dryRun) {
      return plan(context, tables, generation);
    }
    List<JdbcLocks.Lock> held = hold(context, holders);
    try {
      return rewrite(context, tables, generation);
    } finally {
      held.forEach(JdbcLocks.Lock::close);
    }
  }

  private JobResult rewrite(SparkJobContext context, List<TableDefinition> tables, int generation) {
    var spark = context.spark();
    AdlakeConfig config = context.config();
    Set<String> names = new LinkedHashSet<>();
    tables.forEach(table -> names.add(table.name()));
    List<String> toRewrite = new ArrayList<>();
    for (String name : names) {
      if (!PseudonymGenerations.reached(LakeTables.load(spark, name), generation)) {
        toRewrite.add(name);
      }
    }
    List<String> behind = identity.behind(spark, toRewrite);
    if (!behind.isEmpty()) {
      throw new ConflictException(
          ("The identity graph has not read all of %s: run user-ids-mapper first, so that the"
                  + " rewrite leaves it nothing to read across (adlake pseudonyms rotate does)")
              .formatted(String.join(", ", behind)));
    }
    boolean resumed = PseudonymKey.pendingRotationFile(config).toFile().exists();
    String key = PseudonymKey.beginRotation(config);
    context
        .progress()
        .accept(
            "%s the rotation to generation %d (key ring of %d keys): %d table(s) to rewrite"
                .formatted(
                    resumed ? "resuming" : "began", generation, generation, toRewrite.size()));
    Pseudonymizer layer = new Pseudonymizer(key);
    UserDefinedFunction wrap =
        udf((UDF1<String, String>) layer::pseudonymize, DataTypes.StringType);
    long rows = 0;
    for (TableDefinition table : tables) {
      if (!toRewrite.contains(table.name())) {
        context.progress().accept("%s: rewritten already".formatted(table.name()));
        continue;
      }
      org.apache.spark.sql.Dataset<Row> current = spark.table(table.name());
      long count = current.count();
      for (String column : table.pseudonymColumns()) {
        current = current.withColumn(column, wrap.apply(col(column)));
      }
      LakeTables.replaceAll(current, table.name(), PseudonymGenerations.summary(generation));
      PseudonymGenerations.mark(LakeTables.load(spark, table.name()), generation);
      rows += count;
      context
          .progress()
          .accept(
              "%s: %,d rows rewritten (%s)"
                  .formatted(table.name(), count, String.join(", ", table.pseudonymColumns())));
    }
    long graphRows = identity.rotatePseudonyms(spark, wrap, generation, names);
    if (graphRows > 0) {
      context
          .progress()
          .accept(
              "%s, %s: %,d rows rewritten (our ids, node ids, links, canonical ids)"
                  .formatted(identity.userIds(), identity.edges(), graphRows));
    }
    rows += graphRows;
    List<String> rotated = new ArrayList<>(names);
    rotated.add(identity.edges());
    rotated.add(identity.userIds());
    long expired = 0;
    for (String name : rotated) {
      expired += expireBefore(spark, name, generation);
    }
    PseudonymKey.completeRotation(config, key);
    context
        .progress()
        .accept(
            ("generation %d: the key joined the ring (%s); %d older snapshot(s) with the old"
                    + " pseudonyms expired")
                .formatted(generation, PseudonymKey.rotationsFile(config), expired));
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("generation", (long) generation);
    figures.put("tables", (long) rotated.size());
    figures.put("rows_rewritten", rows);
    figures.put("snapshots_expired", expired);
    return new JobResult(rows, rows, figures, Map.of("rows_rewritten", Unit.ROWS));
  }

  /** Expires every snapshot older than the table's rewrite to the generation. */
  private static long expireBefore(
      org.apache.spark.sql.SparkSession spark, String name, int generation) {
    if (!spark.catalog().tableExists(name)) {
      return 0;
    }
    Table table = LakeTables.load(spark, name);
    Snapshot rewrite = PseudonymGenerations.rewrite(table, generation);
    if (rewrite == null) {
      return 0;
    }
    long before = toList(table.snapshots()).size();
    table.expireSnapshots().expireOlderThan(rewrite.timestampMillis()).retainLast(1).commit();
    table.refresh();
    long after = toList(table.snapshots()).size();
    return before - after;
  }

  private static List<Snapshot> toList(Iterable<Snapshot> snapshots) {
    List<Snapshot> list = new ArrayList<>();
    snapshots.forEach(list::add);
    return list;
  }

  private JobResult plan(SparkJobContext context, List<TableDefinition> tables, int generation) {
    long rows = 0;
    List<String> names = new ArrayList<>();
    for (TableDefinition table : tables) {
      names.add(table.name());
    }
    names.add(identity.edges());
    names.add(identity.userIds());
    for (String name : names) {
      if (!context.spark().catalog().tableExists(name)) {
        continue;
      }
      long count = context.spark().table(name).count();
      rows += count;
      context
          .progress()
          .accept(
              "would rewrite %,d rows of %s to generation %d".formatted(count, name, generation));
    }
    return new JobResult(
        0, 0, Map.of("generation", (long) generation, "rows_rewritten", 0L, "rows_planned", rows));
  }

  /** The lake tables of the catalog with a pseudonym column, as they exist. */
  private static List<TableDefinition> lakeTablesWithPseudonyms(SparkJobContext context) {
    return context.tables().of(TableStore.LAKE).stream()
        .filter(table -> !table.family() && !table.pseudonymColumns().isEmpty())
        .filter(table -> context.spark().catalog().tableExists(table.name()))
        .toList();
  }

  private Set<String> tablesWithPseudonyms(SparkJobContext context) {
    Set<String> names = new LinkedHashSet<>();
    context.tables().all().stream()
        .filter(table -> !table.pseudonymColumns().isEmpty())
        .forEach(table -> names.add(table.name()));
    names.add(identity.userIds());
    names.add(identity.edges());
    return names;
  }

  /** Every job but this one that reads or writes one of the tables. */
  static List<String> holders(JobCatalog jobs, Set<String> tables) {
    return jobs.definitions().stream()
        .filter(job -> !job.name().equals(NAME))
        .filter(
            job ->
                Stream.concat(job.reads().stream(), job.writes().stream())
                    .anyMatch(dataset -> tables.contains(dataset.name())))
        .map(JobDefinition::name)
        .toList();
  }

  /** Takes every run slot of each job; one taken already is an error naming the job. */
  private static List<JdbcLocks.Lock> hold(SparkJobContext context, List<String> jobs) {
    JdbcLocks locks = new JdbcLocks(context.metadata().dataSource());
    List<JdbcLocks.Lock> held = new ArrayList<>();
    try {
      for (String job : jobs) {
        int slots = context.config().scheduler().policy(job).maxConcurrent();
        for (int slot = 0; slot < slots; slot++) {
          var lock = locks.tryLock(JobRunner.lockGroup(job), slot);
          if (lock.isEmpty()) {
            throw new ConflictException(
                ("%s is running (it reads or writes the pseudonymised tables): stop it, then"
                        + " rotate the key (adlake runs --job %s shows its runs)")
                    .formatted(job, job));
          }
          held.add(lock.get());
        }
      }
      return held;
    } catch (RuntimeException e) {
      held.forEach(JdbcLocks.Lock::close);
      throw e;
    }
  }
}
