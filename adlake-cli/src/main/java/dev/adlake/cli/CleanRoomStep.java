package dev.adlake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.generator.flywheel.FlywheelGenerator;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.flywheel.BucketedTablesJob;
import dev.adlake.spark.flywheel.CleanRoomQuery;
import dev.adlake.spark.flywheel.ErTablesJob;
import dev.adlake.spark.flywheel.FlywheelLayout;
import dev.adlake.spark.flywheel.RefusedQueryException;
import dev.adlake.spark.flywheel.SplitAndBucketJob;
import dev.adlake.spark.flywheel.report.CollaborationSources;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The quickstart's clean-room step: the flywheel's monthly pipeline on the landed snapshots, its
 * tables with their comments, and the split tables' rows checked against the generator's.
 */
final class CleanRoomStep {
  private static final String BUCKET_COUNT = "bucket-count";

  /**
   * Buckets of the quickstart's tables: 256 files a table would make its few rows slow to write.
   */
  private static final String QUICKSTART_BUCKETS = "16";

  private CleanRoomStep() {}

  /** What the step found: whether it ran, and whether the rows equal the generator's. */
  record Outcome(boolean ok, int tablesChecked, int tablesEqual, List<String> differences) {}

  static Outcome run(Platform platform, Console console) {
    AdlakeConfig config = platform.config();
    Pipeline cleanRoom =
        platform.pipeline().select(Optional.empty(), Optional.of(Domain.CLEAN_ROOM));
    console.line(
        "7. Clean room: the flywheel's monthly run, %d jobs apart from the pipeline"
            + " ('adlake pipeline run --only clean-room'; %s buckets on this small data, 256 by"
            + " default)",
        cleanRoom.order().size(), QUICKSTART_BUCKETS);
    PipelineExecutor.Result result =
        platform
            .pipelineExecutor()
            .run(
                cleanRoom,
                "quickstart",
                Instant.now(),
                Map.of(
                    SplitAndBucketJob.INFOBASE,
                    Map.of(BUCKET_COUNT, QUICKSTART_BUCKETS),
                    SplitAndBucketJob.ADDRESSABLE,
                    Map.of(BUCKET_COUNT, QUICKSTART_BUCKETS),
                    BucketedTablesJob.NAME,
                    Map.of(BUCKET_COUNT, QUICKSTART_BUCKETS, "hive-files", "true"),
                    ErTablesJob.NAME,
                    Map.of(BUCKET_COUNT, QUICKSTART_BUCKETS)),
                new PipelineConsole(
                    console,
                    cleanRoom.order().size(),
                    true,
                    (job, outcome) -> RunCommand.describe(outcome.result())));
    if (!result.ok()) {
      PipelineConsole.reportFailures(result, console);
      return new Outcome(false, 0, 0, List.of("the clean room's pipeline failed"));
    }
    SparkSession spark = platform.spark();
    console.line("  tables of the clean room, with their comments:");
    for (String namespace : List.of(FlywheelLayout.STAGED, FlywheelLayout.CLEANROOM)) {
      List<String> tables =
          spark
              .sql("SHOW TABLES IN %s.%s".formatted(LakeConfig.CATALOG_NAME, namespace))
              .collectAsList()
              .stream()
              .map(row -> row.getString(row.fieldIndex("tableName")))
              .sorted()
              .toList();
      for (String table : tables) {
        String name = namespace + "." + table;
        String comment = LakeTables.load(spark, name).properties().getOrDefault("comment", "");
        console.line(
            "    %-36s %9s rows  %s",
            name,
            Console.count(spark.table(LakeConfig.CATALOG_NAME + "." + name).count()),
            comment);
      }
    }
    query(config, spark, console);
    JsonNode truth;
    try {
      truth =
          new ObjectMapper()
              .readTree(config.expectedDirectory().resolve(FlywheelGenerator.TRUTH_FILE).toFile());
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot read the flywheel's truth: " + e.getMessage(), e);
    }
    int checked = 0;
    int equal = 0;
    List<String> differences = new ArrayList<>();
    for (var entry : truth.path("rows").properties()) {
      String table =
          "%s.%s.%s%s"
              .formatted(
                  LakeConfig.CATALOG_NAME,
                  FlywheelLayout.CLEANROOM,
                  FlywheelLayout.BUCKETED_PREFIX,
                  entry.getKey().toLowerCase(Locale.ROOT));
      long rows = spark.table(table).count();
      checked++;
      if (rows == entry.getValue().asLong()) {
        equal++;
      } else {
        differences.add(
            "%s: %d rows, expected %d".formatted(table, rows, entry.getValue().asLong()));
      }
    }
    return new Outcome(true, checked, equal, differences);
  }

  /** An allowed query with groups held back by the threshold, and a query the rules refuse. */
  private static void query(AdlakeConfig config, SparkSession spark, Console console) {
    CleanRoomQuery query =
        new CleanRoomQuery(
            spark,
            CollaborationSources.load(
                FlywheelConfig.of(config), spark.sparkContext().hadoopConfiguration()),
            FlywheelLayout.CLEANROOM);
    console.line("  queries under the collaboration's analysis rules ('adlake cleanroom query'):");
    String allowed =
        "SELECT age_range, income_band, home_owner, COUNT(DISTINCT customer_user_id) AS users"
            + " FROM part_ibe_01 GROUP BY age_range, income_band, home_owner ORDER BY users DESC"
            + " LIMIT 3";
    console.line("    " + allowed);
    query.run(allowed).render().lines().forEach(line -> console.line("      " + line));
    String refused = "SELECT customer_user_id, age_range FROM part_ibe_01";
    console.line("    " + refused);
    try {
      query.run(refused);
      console.line("      (not refused: the rules should have refused it)");
    } catch (RefusedQueryException e) {
      console.line("      " + e.getMessage());
    }
  }
}
