package dev.adlake.bench;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.maintenance.EraseJob;
import dev.adlake.spark.maintenance.TableUpkeepJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Snapshot;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * {@code adlake bench maintenance}: compaction by the {@code table-upkeep} job against Iceberg's
 * own {@code rewrite_data_files} procedure, on two tables written by the same many small commits
 * (as the enricher's micro-batches write), in one run, alternating which goes first; and the
 * erasure of one user by the {@code erase-user} job from a large table whose files the user-id
 * column's statistics let it skip, with the share of files it did not rewrite.
 */
public final class MaintenanceBenchmark {
  private static final String NS = "bench_maint";
  private static final String OURS = NS + ".small_ours";
  private static final String PEER = NS + ".small_peer";
  private static final String BIG = NS + ".user_events";
  private static final String BIG_CLICKS = NS + ".user_clicks";

  /** Sizes: rows of the small-file tables and their commits, rows of the erasure's table. */
  public record Options(long smallRows, int commits, long eraseRows, int runs, int targetFileMb) {}

  /** One compaction run: seconds of each, files before and after, rows equal. */
  public record Compaction(
      double oursSeconds, double peerSeconds, long filesBefore, long oursFiles, long peerFiles) {}

  /** One erasure: seconds, rows removed, files of the table, files it rewrote. */
  public record Erasure(double seconds, long rowsRemoved, long files, long rewritten) {}

  public record Result(List<Compaction> compactions, List<Erasure> erasures, long bigRows) {}

  private MaintenanceBenchmark() {}

  public static Result run(Platform platform, Options options, Consumer<String> log) {
    SparkSession spark = platform.spark();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + NS);
    List<Compaction> compactions = new ArrayList<>();
    for (int run = 0; run < options.runs(); run++) {
      compactions.add(compaction(platform, options, run % 2 == 1, log));
    }
    // The erasure's rows go to two user-level tables, as a user's events and clicks would.
    List<String> bigTables = List.of(BIG, BIG_CLICKS);
    long users = Math.max(1, options.eraseRows() / 50);
    long clicks = options.eraseRows() / 5;
    TableCatalog catalog = new TableCatalog();
    for (String table : bigTables) {
      long rows = table.equals(BIG) ? options.eraseRows() - clicks : clicks;
      log.accept("writing %,d rows of %s ordered by user id".formatted(rows, table));
      spark.sql("DROP TABLE IF EXISTS %s PURGE".formatted(table));
      spark.sql(
          ("CREATE TABLE %s (user_id STRING, ad_id INT, event_time TIMESTAMP, v BIGINT) USING"
                  + " iceberg TBLPROPERTIES ('write.target-file-size-bytes' = '%d',"
                  + " 'write.distribution-mode' = 'range')")
              .formatted(table, 32L * 1024 * 1024));
      spark.sql("ALTER TABLE %s WRITE ORDERED BY user_id".formatted(table));
      append(rows(spark, rows, users, table.equals(BIG) ? 0 : 7), table);
      catalog.add(
          TableDefinition.lake(table, Domain.MAINTENANCE, "bench", List.of())
              .withUserColumn(UserColumn.id("user_id")));
    }
    List<Erasure> erasures = new ArrayList<>();
    for (int run = 0; run < options.runs(); run++) {
      String user = "user-%09d".formatted((run * 7919L + users / 3) % users);
      long files = 0;
      for (String table : bigTables) {
        files += dataFiles(LakeTables.load(spark, table).currentSnapshot());
      }
      long began = System.nanoTime();
      JobResult result =
          run(
              platform,
              new EraseJob(new IdentityTables(NS + "_no_graph")),
              catalog,
              Map.of("user", user, "requested-by", "bench maintenance"));
      double seconds = (System.nanoTime() - began) / 1e9;
      long rewritten = 0;
      for (String table : bigTables) {
        // The erasure keeps one snapshot per table: its own delete.
        Snapshot current = LakeTables.load(spark, table).currentSnapshot();
        rewritten += Long.parseLong(current.summary().getOrDefault("deleted-data-files", "0"));
      }
      Erasure erasure =
          new Erasure(seconds, result.figures().get("rows_removed"), files, rewritten);
      log.accept(
          "erasure of %s: %.1f s, %,d rows removed, %d of %d files rewritten"
              .formatted(user, seconds, erasure.rowsRemoved(), rewritten, files));
      erasures.add(erasure);
    }
    return new Result(compactions, erasures, options.eraseRows());
  }

  private static Compaction compaction(
      Platform platform, Options options, boolean peerFirst, Consumer<String> log) {
    SparkSession spark = platform.spark();
    for (String table : List.of(OURS, PEER)) {
      spark.sql("DROP TABLE IF EXISTS %s PURGE".formatted(table));
      spark.sql(
          ("CREATE TABLE %s (user_id STRING, ad_id INT, event_time TIMESTAMP, v BIGINT) USING"
                  + " iceberg PARTITIONED BY (days(event_time))")
              .formatted(table));
    }
    long perCommit = Math.max(1, options.smallRows() / options.commits());
    for (int commit = 0; commit < options.commits(); commit++) {
      Dataset<Row> batch = rows(spark, perCommit, 100_000, commit * perCommit).coalesce(2).cache();
      append(batch, OURS);
      append(batch, PEER);
      batch.unpersist();
      if ((commit + 1) % 50 == 0 && commit + 1 < options.commits()) {
        log.accept(
            "  %d of %d commits written to both tables".formatted(commit + 1, options.commits()));
      }
    }
    long filesBefore = files(spark, OURS);
    long rows = spark.table(OURS).count();
    TableCatalog catalog =
        new TableCatalog().add(TableDefinition.lake(OURS, Domain.MAINTENANCE, "bench", List.of()));
    double ours = 0;
    double peer = 0;
    for (boolean peerTurn : peerFirst ? List.of(true, false) : List.of(false, true)) {
      long began = System.nanoTime();
      if (peerTurn) {
        spark
            .sql(
                ("CALL lake.system.rewrite_data_files(table => '%s', options =>"
                        + " map('target-file-size-bytes', '%d', 'min-input-files', '5'))")
                    .formatted(PEER, options.targetFileMb() * 1024L * 1024))
            .collectAsList();
        peer = (System.nanoTime() - began) / 1e9;
      } else {
        run(platform, new TableUpkeepJob(), catalog, Map.of("table", OURS, "steps", "compact"));
        ours = (System.nanoTime() - began) / 1e9;
      }
    }
    long oursRows = spark.table(OURS).count();
    long peerRows = spark.table(PEER).count();
    if (oursRows != rows || peerRows != rows) {
      throw new IllegalStateException(
          "Compaction changed the rows: %d before, %d after ours, %d after the procedure"
              .formatted(rows, oursRows, peerRows));
    }
    Compaction result =
        new Compaction(ours, peer, filesBefore, files(spark, OURS), files(spark, PEER));
    log.accept(
        "compaction of %,d rows in %d files: table-upkeep %.1f s (%d files), rewrite_data_files"
                .formatted(rows, filesBefore, ours, result.oursFiles())
            + " %.1f s (%d files)".formatted(peer, result.peerFiles()));
    return result;
  }

  /** Rows of users {@code user-000000000} on, a day of times, deterministic. */
  private static Dataset<Row> rows(SparkSession spark, long count, long users, long offset) {
    return spark
        .range(offset, offset + count)
        .selectExpr(
            "format_string('user-%%09d', id %% %d) AS user_id".formatted(users),
            "CAST(id % 5000 AS INT) AS ad_id",
            "TIMESTAMP '2026-11-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, (id * 37) % 86400)"
                + " AS event_time",
            "id AS v");
  }

  private static void append(Dataset<Row> rows, String table) {
    try {
      rows.writeTo(table).append();
    } catch (NoSuchTableException e) {
      throw new ExternalFailureException("Cannot write the bench table " + table, e);
    }
  }

  private static long dataFiles(Snapshot snapshot) {
    return Long.parseLong(snapshot.summary().getOrDefault("total-data-files", "0"));
  }

  private static long files(SparkSession spark, String table) {
    return spark.sql("SELECT count(*) FROM %s.files".formatted(table)).first().getLong(0);
  }

  private static JobResult run(
      Platform platform, SparkJob job, TableCatalog catalog, Map<String, String> parameters) {
    Map<String, String> given = new LinkedHashMap<>(parameters);
    long runId = platform.runs().start(job.definition(), given);
    JobResult result =
        job.run(
            new SparkJobContext(
                platform.spark(),
                platform.config(),
                platform.metadata(),
                platform::kafkaBootstrapServers,
                catalog,
                runId,
                line -> {}),
            JobParameters.resolve(job.definition(), given));
    platform.runs().succeed(runId, result);
    return result;
  }
}
