package dev.adlake.bench;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.days;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.spark.reporting.HourlyRollup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Times the hourly rollup beside the ad-metric design's own Spark job ({@link SeedAdMetricsJob}) on
 * the same generated day, in one SparkSession, and checks that their exact counts are identical.
 *
 * <p>Each run times, in turn: the seed job on the TSV files, the seed job on the lake table, the
 * seed's {@code ad_metrics} alone on the lake table, and adlake's {@link HourlyRollup} on the lake
 * tables (events and conversions). Every output is computed in full and discarded by Spark's {@code
 * noop} sink, so no work is pruned. The lake tables are loaded once by Spark's CSV reader into
 * bench tables of the ingested tables' schema, and kept for reruns of the same size and seed.
 */
public final class RollupBenchmark {
  /** The seed job on the TSV files, both outputs. */
  public static final String SEED_FILES = "seed job on TSV files (ad_metrics + users)";

  /** The seed job on the lake table, both outputs. */
  public static final String SEED_LAKE = "seed job on lake table (ad_metrics + users)";

  /** The seed's ad_metrics alone on the lake table. */
  public static final String SEED_LAKE_METRICS = "seed ad_metrics only, lake table";

  /** adlake's hourly rollup on the lake tables. */
  public static final String ADLAKE = "adlake HourlyRollup, lake tables";

  private static final StructType CONVERSION_FILE_SCHEMA =
      new StructType()
          .add("conversion_id", DataTypes.StringType)
          .add("click_id", DataTypes.StringType)
          .add("ad_id", DataTypes.IntegerType)
          .add("campaign_id", DataTypes.IntegerType)
          .add("advertiser_id", DataTypes.IntegerType)
          .add("user_id", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("conversion_type", DataTypes.StringType)
          .add("value", DataTypes.createDecimalType(12, 2));

  /**
   * What to run.
   *
   * @param events impressions of the generated day
   * @param runs timed runs of each job
   * @param seed the generator's seed
   * @param workDirectory where the generated day is kept for reruns
   */
  public record Options(long events, int runs, long seed, Path workDirectory) {
    public Options {
      requireNonNull(workDirectory, "workDirectory is null");
      if (runs < 1) {
        throw new InvalidInputException("Cannot run the benchmark %d times".formatted(runs));
      }
    }
  }

  /**
   * What was measured.
   *
   * @param seconds each job's seconds per run, by the names above, in run order
   * @param rows rows compared between the seed (on the lake table) and adlake
   * @param identicalRows rows whose impressions, clicks, sessions and users are identical
   */
  public record Result(
      int cores,
      String master,
      long eventRows,
      Map<String, List<Double>> seconds,
      long rows,
      long identicalRows) {
    /** The median seconds of a job. */
    public double median(String job) {
      List<Double> sorted = new ArrayList<>(seconds.get(job));
      sorted.sort(Comparator.naturalOrder());
      int middle = sorted.size() / 2;
      return sorted.size() % 2 == 1
          ? sorted.get(middle)
          : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    public boolean countsIdentical() {
      return rows > 0 && identicalRows == rows;
    }
  }

  private RollupBenchmark() {}

  /**
   * Generates or reuses the day, loads or reuses the lake tables, times the jobs, checks counts.
   */
  public static Result run(SparkSession spark, Options options, Consumer<String> progress) {
    requireNonNull(spark, "spark is null");
    requireNonNull(options, "options is null");
    requireNonNull(progress, "progress is null");
    String name = "%d_seed_%d".formatted(options.events(), options.seed());
    Path day = options.workDirectory().resolve("bench-rollup").resolve("events_" + name);
    GeneratedDay.ensure(options.events(), options.seed(), day, progress);
    List<String> eventFiles =
        files(day.resolve("landing").resolve(BuiltInFeeds.ADSERVER_EVENTS), ".tsv");
    List<String> conversionFiles =
        files(day.resolve("landing").resolve(BuiltInFeeds.TRACKER_CONVERSIONS), ".csv");

    String eventsTable = "bench.adserver__events_" + name;
    String conversionsTable = "bench.tracker__conversions_" + name;
    load(spark, eventFiles, conversionFiles, eventsTable, conversionsTable, progress);
    long eventRows = spark.table(eventsTable).count();

    int cores = Runtime.getRuntime().availableProcessors();
    String master = spark.sparkContext().master();
    int partitions = spark.sessionState().conf().numShufflePartitions();
    progress.accept(
        "bench rollup: %,d cores, Spark %s (master %s, %d shuffle partitions), %s %s, max heap %,d MB"
            .formatted(
                cores,
                spark.version(),
                master,
                partitions,
                System.getProperty("java.vm.name"),
                Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20));
    progress.accept(
        "data: %,d impressions generated, %d TSV files, %,d event rows in %s"
            .formatted(options.events(), eventFiles.size(), eventRows, eventsTable));
    progress.accept("what each side produces:");
    progress.accept(
        "  seed (design 001's job): ad_metrics (ad_id, hour, total_impressions, total_clicks,"
            + " total_sessions) and the users rows (ad_id, hour, user_id) distinct");
    progress.accept(
        "  adlake HourlyRollup: per (hour, ad) exact impressions, clicks, conversions, sessions,"
            + " users and HLL sketches of sessions and users (which answer the unique-users"
            + " question the seed's users table exists for, over any range)");
    progress.accept(
        "  every output is computed in full into Spark's noop sink; no cache between jobs");

    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    for (String job : List.of(SEED_FILES, SEED_LAKE, SEED_LAKE_METRICS, ADLAKE)) {
      seconds.put(job, new ArrayList<>());
    }
    for (int run = 1; run <= options.runs(); run++) {
      double seedFiles =
          time(
              () -> {
                SeedAdMetricsJob.Outputs outputs =
                    SeedAdMetricsJob.run(SeedAdMetricsJob.readFiles(spark, eventFiles));
                materialize(outputs.adMetrics());
                materialize(outputs.users());
              });
      double seedLake =
          time(
              () -> {
                SeedAdMetricsJob.Outputs outputs =
                    SeedAdMetricsJob.run(SeedAdMetricsJob.fromTable(spark.table(eventsTable)));
                materialize(outputs.adMetrics());
                materialize(outputs.users());
              });
      double seedLakeMetrics =
          time(
              () ->
                  materialize(
                      SeedAdMetricsJob.run(SeedAdMetricsJob.fromTable(spark.table(eventsTable)))
                          .adMetrics()));
      double adlake =
          time(
              () ->
                  materialize(
                      HourlyRollup.rollup(
                          spark.table(eventsTable), spark.table(conversionsTable), partitions)));
      seconds.get(SEED_FILES).add(seedFiles);
      seconds.get(SEED_LAKE).add(seedLake);
      seconds.get(SEED_LAKE_METRICS).add(seedLakeMetrics);
      seconds.get(ADLAKE).add(adlake);
      progress.accept(
          "run %d of %d: %s %.1f s, %s %.1f s, %s %.1f s, %s %.1f s"
              .formatted(
                  run,
                  options.runs(),
                  SEED_FILES,
                  seedFiles,
                  SEED_LAKE,
                  seedLake,
                  SEED_LAKE_METRICS,
                  seedLakeMetrics,
                  ADLAKE,
                  adlake));
    }

    progress.accept("checking exact counts (untimed)...");
    long[] lake =
        compare(
            SeedAdMetricsJob.run(SeedAdMetricsJob.fromTable(spark.table(eventsTable))),
            HourlyRollup.rollup(
                spark.table(eventsTable), spark.table(conversionsTable), partitions));
    Result result = new Result(cores, master, eventRows, seconds, lake[0], lake[1]);

    progress.accept(
        "medians of %d run(s) on %d cores (%s), %,d event rows:"
            .formatted(options.runs(), cores, master, eventRows));
    for (String job : seconds.keySet()) {
      progress.accept(
          "  %-46s %7.1f s   runs: %s"
              .formatted(
                  job,
                  result.median(job),
                  seconds.get(job).stream().map("%.1f"::formatted).toList()));
    }
    double adlakeMedian = result.median(ADLAKE);
    progress.accept("ratios seed / adlake (medians; target 3x on the lake table):");
    for (String job : List.of(SEED_FILES, SEED_LAKE, SEED_LAKE_METRICS)) {
      progress.accept("  %-46s %5.2fx".formatted(job, result.median(job) / adlakeMedian));
    }
    progress.accept(
        ("counts identical: %,d of %,d rows (impressions, clicks, sessions and users per hour and"
                + " ad; seed on the lake table vs adlake)")
            .formatted(lake[1], lake[0]));
    progress.accept(
        "  (the seed on the TSV files also keeps rows of the malformed lines, with a null ad or"
            + " hour, which ingestion rejects; the lake table has the same rows as ingestion)");
    return result;
  }

  /**
   * Rows of the seed's outputs and of the rollup joined by hour and ad, and how many have identical
   * impressions, clicks, sessions and users (the seed's distinct users rows per hour and ad).
   */
  static long[] compare(SeedAdMetricsJob.Outputs seed, Dataset<Row> rollup) {
    Dataset<Row> seedUsers =
        seed.users()
            .groupBy(col("ad_id"), col("hour"))
            .count()
            .withColumnRenamed("count", "seed_users");
    Dataset<Row> seedRows =
        seed.adMetrics().join(seedUsers, new String[] {"ad_id", "hour"}, "full_outer");
    Dataset<Row> adlakeRows = rollup.where(col("impressions").gt(0).or(col("clicks").gt(0)));
    Dataset<Row> joined = seedRows.join(adlakeRows, new String[] {"ad_id", "hour"}, "full_outer");
    Row counts =
        joined
            .agg(
                count(lit(1)),
                sum(
                    when(
                            coalesce(
                                col("total_impressions")
                                    .equalTo(col("impressions"))
                                    .and(col("total_clicks").equalTo(col("clicks")))
                                    .and(col("total_sessions").equalTo(col("sessions")))
                                    .and(col("seed_users").equalTo(col("users"))),
                                lit(false)),
                            lit(1L))
                        .otherwise(lit(0L))))
            .first();
    long rows = counts.getLong(0);
    long identical = counts.isNullAt(1) ? 0 : counts.getLong(1);
    return new long[] {rows, identical};
  }

  private static void materialize(Dataset<Row> output) {
    output.write().format("noop").mode("overwrite").save();
  }

  private static double time(Runnable job) {
    long start = System.nanoTime();
    job.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Loads the events and conversions into bench tables with the schema ingestion gives them ({@code
   * timestamp} as {@code event_time}, lineage columns, partitioned by day), with Spark's CSV
   * reader: ingestion parses on the driver, too slow for a benchmark's set-up at this size. Rows
   * missing a required column (the generator's malformed lines) are left out, as ingestion rejects
   * them. Spark's reader does not know line numbers: {@code _line} is 0.
   */
  private static void load(
      SparkSession spark,
      List<String> eventFiles,
      List<String> conversionFiles,
      String eventsTable,
      String conversionsTable,
      Consumer<String> progress) {
    if (spark.catalog().tableExists(eventsTable) && spark.catalog().tableExists(conversionsTable)) {
      progress.accept(
          "reusing the lake tables %s and %s (loaded earlier by Spark's CSV reader)"
              .formatted(eventsTable, conversionsTable));
      return;
    }
    spark.sql("CREATE NAMESPACE IF NOT EXISTS bench");
    spark.sql("DROP TABLE IF EXISTS " + eventsTable);
    spark.sql("DROP TABLE IF EXISTS " + conversionsTable);
    long start = System.nanoTime();
    Dataset<Row> events =
        SeedAdMetricsJob.readFiles(spark, eventFiles)
            .where(
                col("ad_id")
                    .isNotNull()
                    .and(col("campaign_id").isNotNull())
                    .and(col("advertiser_id").isNotNull())
                    .and(col("timestamp").isNotNull())
                    .and(col("impression_id").isNotNull())
                    .and(col("event").isNotNull()))
            .withColumnRenamed("timestamp", "event_time");
    writeRawTable(events, eventsTable);
    Dataset<Row> conversions =
        spark
            .read()
            .option("header", "true")
            .schema(CONVERSION_FILE_SCHEMA)
            .csv(conversionFiles.toArray(String[]::new))
            .where(
                col("conversion_id")
                    .isNotNull()
                    .and(col("ad_id").isNotNull())
                    .and(col("timestamp").isNotNull()))
            .withColumnRenamed("timestamp", "event_time");
    writeRawTable(conversions, conversionsTable);
    progress.accept(
        "loaded %s and %s with Spark's CSV reader (bench-only load, same schema as ingestion's"
                .formatted(eventsTable, conversionsTable)
            + " raw tables) in %.1f s".formatted((System.nanoTime() - start) / 1e9));
  }

  private static List<String> files(Path folder, String suffix) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(path -> path.getFileName().toString().endsWith(suffix))
          .map(Path::toString)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot list the files in %s: %s".formatted(folder, e.getMessage()), e);
    }
  }

  /**
   * Writes rows read from files as a raw table of ingestion's shape: the lineage columns (without
   * line numbers, which Spark's reader does not have) and a partition per day.
   */
  private static void writeRawTable(Dataset<Row> rows, String table) {
    rows.withColumn("_load_id", lit(0L))
        .withColumn("_object_key", input_file_name())
        .withColumn("_line", lit(0L))
        .writeTo(table)
        .using("iceberg")
        .tableProperty("format-version", "2")
        // A day is one partition: clustering by it would funnel the day into one writer task.
        .tableProperty("write.distribution-mode", "none")
        .option("fanout-enabled", "true")
        .partitionedBy(days(col("event_time")))
        .createOrReplace();
  }
}
