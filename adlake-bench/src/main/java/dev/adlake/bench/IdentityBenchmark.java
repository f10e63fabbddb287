package dev.adlake.bench;

import static org.apache.spark.sql.functions.col;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.job.JobResult;
import dev.adlake.generator.identity.MappingGraph;
import dev.adlake.generator.identity.MappingGraphOptions;
import dev.adlake.spark.LakeNamespaces;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.cookiemapping.UserIdsMapperJob;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code adlake bench identity}: a full recompute of a generated identity graph of about the asked
 * ids and links, then the incremental merge of its last day, each timed over several runs (the
 * tables are rolled back between runs), with the figures of the result.
 */
public final class IdentityBenchmark {
  static final String NAMESPACE = "bench_identity";
  private static final StructType OBSERVATIONS =
      new StructType()
          .add("partner", DataTypes.StringType, false)
          .add("partner_id", DataTypes.StringType, false)
          .add("user_id", DataTypes.StringType, false)
          .add("region", DataTypes.StringType, false)
          .add("event_time", DataTypes.TimestampType, false)
          .add("day", DataTypes.IntegerType, false);
  private static final int DAYS = 20;

  private IdentityBenchmark() {}

  /**
   * @param ids about how many ids the graph has
   * @param runs timed runs of each measurement
   * @param maxLinks the hub limit
   */
  public record Options(long ids, int runs, int maxLinks, long seed) {}

  /** Seconds of each run, and the figures of the last. */
  public record Result(
      double buildSeconds,
      List<Double> fullSeconds,
      List<Double> incrementalSeconds,
      long links,
      long ids,
      long components,
      long newLinks,
      long idsObserved,
      long peakHeapBytes) {
    public double fullMedian() {
      return Medians.of(fullSeconds);
    }

    public double incrementalMedian() {
      return Medians.of(incrementalSeconds);
    }
  }

  public static Result run(SparkSession spark, Options options, Consumer<String> out) {
    try {
      return measure(spark, options, out);
    } catch (AnalysisException e) {
      throw new ExternalFailureException("Cannot write the benchmark's tables", e);
    }
  }

  private static Result measure(SparkSession spark, Options options, Consumer<String> out)
      throws AnalysisException {
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    MappingGraphOptions probe = MappingGraphOptions.dense(options.seed(), 20_000, DAYS, start);
    MappingGraph sample = new MappingGraph(probe);
    // The ids the full recompute sees: those of the first DAYS - 1 days. Counted once over all
    // users, as a hub id is shared by many.
    Instant lastDay = start.plus(Duration.ofDays(DAYS - 1));
    Set<String> ids = new HashSet<>();
    for (long u = 0; u < probe.users(); u++) {
      for (MappingEvent event : sample.events(sample.user(u))) {
        if (event.eventTime().isBefore(lastDay)) {
          ids.add(event.partner() + "/" + event.partnerId());
          ids.add(MappingEvent.OUR_PARTNER + "/" + event.userId());
        }
      }
    }
    long sampleIds = ids.size();
    long users = Math.max(10, options.ids() * probe.users() / sampleIds);
    MappingGraphOptions graph = MappingGraphOptions.dense(options.seed(), users, DAYS, start);
    out.accept(
        "generating %,d users (about %,d ids in the first %d days) over %d days, %d hub ids"
            .formatted(users, options.ids(), DAYS - 1, DAYS, graph.hubs()));
    LakeNamespaces.ensure(spark, NAMESPACE);
    String all = NAMESPACE + ".all_observations";
    String input = NAMESPACE + ".mappings";
    IdentityTables tables = new IdentityTables(NAMESPACE + "_graph");
    for (String table : List.of(all, input, tables.userIds(), tables.edges())) {
      spark.sql("DROP TABLE IF EXISTS " + table + " PURGE");
    }
    HeapPeak heap = HeapPeak.start();
    long began = System.nanoTime();
    spark
        .range(0, users, 1, Math.max(4, spark.sparkContext().defaultParallelism() * 2))
        .mapPartitions(new Observations(graph), Encoders.row(OBSERVATIONS))
        .writeTo(all)
        .using("iceberg")
        .create();
    long observations = spark.table(all).count();
    out.accept(
        "generated %,d observations in %.1f s"
            .formatted(observations, (System.nanoTime() - began) / 1e9));
    spark.sql(
        "CREATE TABLE %s (%s) USING iceberg"
            .formatted(input, OBSERVATIONS.toDDL().replace(",day INT NOT NULL", "")));
    spark.table(all).where(col("day").lt(DAYS - 1)).drop("day").writeTo(input).append();
    Table inputTable = LakeTables.load(spark, input);
    long baseSnapshot = inputTable.currentSnapshot().snapshotId();

    UserIdsMapperJob job =
        new UserIdsMapperJob(List.of(UserIdsMapperJob.MappingInput.enriched(input)), tables)
            .withProgress(line -> out.accept("    " + line));
    long t0 = System.nanoTime();
    JobResult built = job.run(spark, true, options.maxLinks());
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    long links = built.figures().get("links_added");
    out.accept(
        "graph built from %,d observations in %.1f s: %,d links, %,d ids"
            .formatted(
                built.figures().get("observations"),
                buildSeconds,
                links,
                built.figures().get("ids")));
    List<Double> full = new ArrayList<>();
    JobResult fullResult = null;
    for (int run = 1; run <= options.runs(); run++) {
      long runStart = System.nanoTime();
      fullResult = job.recompute(spark, options.maxLinks());
      double seconds = (System.nanoTime() - runStart) / 1e9;
      full.add(seconds);
      out.accept(
          "full recompute %d: %.1f s, %,d links, %,d ids, %,d components: %,.0f links/min"
              .formatted(
                  run,
                  seconds,
                  fullResult.figures().get("links"),
                  fullResult.figures().get("ids"),
                  fullResult.figures().get("components"),
                  fullResult.figures().get("links") * 60 / seconds));
    }
    long userIdsSnapshot = LakeTables.load(spark, tables.userIds()).currentSnapshot().snapshotId();
    long edgesSnapshot = LakeTables.load(spark, tables.edges()).currentSnapshot().snapshotId();
    List<Double> incremental = new ArrayList<>();
    JobResult incrementalResult = null;
    for (int run = 1; run <= options.runs(); run++) {
      rollBack(spark, input, baseSnapshot);
      rollBack(spark, tables.userIds(), userIdsSnapshot);
      rollBack(spark, tables.edges(), edgesSnapshot);
      spark.table(all).where(col("day").equalTo(DAYS - 1)).drop("day").writeTo(input).append();
      long runStart = System.nanoTime();
      incrementalResult = job.run(spark, false, options.maxLinks());
      double seconds = (System.nanoTime() - runStart) / 1e9;
      incremental.add(seconds);
      out.accept(
          "incremental merge %d: %.1f s, %,d observations, %,d new links, %,d ids observed, %,d components merged"
              .formatted(
                  run,
                  seconds,
                  incrementalResult.figures().get("observations"),
                  incrementalResult.figures().get("links_added"),
                  incrementalResult.figures().get("ids_observed"),
                  incrementalResult.figures().get("components_merged")));
    }
    return new Result(
        buildSeconds,
        full,
        incremental,
        fullResult.figures().get("links"),
        fullResult.figures().get("ids"),
        fullResult.figures().get("components"),
        incrementalResult.figures().get("links_added"),
        incrementalResult.figures().get("ids_observed"),
        heap.peakBytes());
  }

  private static void rollBack(SparkSession spark, String table, long snapshot) {
    Table loaded = LakeTables.load(spark, table);
    if (loaded.currentSnapshot().snapshotId() != snapshot) {
      loaded.manageSnapshots().rollbackTo(snapshot).commit();
    }
  }

  /** The generated users' observations, with their day. */
  static final class Observations implements MapPartitionsFunction<Long, Row> {
    private final MappingGraphOptions options;

    Observations(MappingGraphOptions options) {
      this.options = options;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> users) {
      MappingGraph graph = new MappingGraph(options);
      Instant start = options.start();
      return new Iterator<>() {
        private Iterator<MappingEvent> current = List.<MappingEvent>of().iterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext() && users.hasNext()) {
            current = graph.events(graph.user(users.next())).iterator();
          }
          return current.hasNext();
        }

        @Override
        public Row next() {
          hasNext();
          MappingEvent event = current.next();
          int day = (int) Duration.between(start, event.eventTime()).toDays();
          return RowFactory.create(
              event.partner(),
              event.partnerId(),
              event.userId(),
              event.region(),
              Timestamp.from(event.eventTime()),
              day);
        }
      };
    }
  }
}
