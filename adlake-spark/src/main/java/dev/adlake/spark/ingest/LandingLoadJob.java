package dev.adlake.spark.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.spark.JobContext;
import dev.adlake.spark.SparkJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Loads every file of a feed in the landing zone into its raw lake table, replacing the table's
 * content in one Iceberg commit, so a rerun over the same files gives the same table.
 *
 * <p>Rows that do not parse, or lack a required field, go to the feed's rejects table with their
 * file and reason. When their share passes {@code max-reject-ratio} nothing is committed.
 *
 * <p>This is the foundation's loader: it reloads the whole feed each run. Tracked, incremental,
 * exactly-once loads with a ledger replace it.
 */
public final class LandingLoadJob implements SparkJob {
  static final String CORRUPT = "_corrupt_record";
  public static final JobParameter<Double> MAX_REJECT_RATIO =
      JobParameter.optional(
          "max-reject-ratio",
          ValueType.ratio(),
          "0.01",
          "Largest share of rejected rows before the load fails and commits nothing");

  private final LandingFeed feed;
  private final JobDefinition definition;

  public LandingLoadJob(LandingFeed feed) {
    this.feed = feed;
    this.definition =
        new JobDefinition(
            "load-" + feed.name(),
            Domain.INGESTION,
            JobKind.BATCH,
            "Loads " + feed.description() + " from the landing zone into " + feed.table(),
            List.of(Dataset.files(feed.folder())),
            List.of(Dataset.table(feed.table()), Dataset.table(feed.rejectsTable())),
            List.of(MAX_REJECT_RATIO));
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  public LandingFeed feed() {
    return feed;
  }

  @Override
  public JobResult run(JobContext context, JobParameters parameters) {
    SparkSession spark = context.spark();
    Path folder = context.config().landing().path().resolve(feed.folder());
    if (!Files.isDirectory(folder)) {
      throw new NotFoundException(
          "Cannot load feed %s: folder %s does not exist (run 'adlake generate' or land files there)"
              .formatted(feed.name(), folder));
    }

    DataFrameReader reader =
        spark
            .read()
            .schema(feed.schema().add(CORRUPT, DataTypes.StringType))
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", feed.fileGlob());
    org.apache.spark.sql.Dataset<Row> parsed =
        switch (feed.format()) {
          case "tsv" -> reader.option("sep", "\t").option("header", "false").csv(folder.toString());
          case "csv" -> reader.option("sep", ",").option("header", "true").csv(folder.toString());
          default -> reader.json(folder.toString());
        };
    String[] sourceColumns = feed.schema().fieldNames();
    Column reason = when(col(CORRUPT).isNotNull(), lit("a field does not parse as its type"));
    for (String required : feed.required()) {
      reason =
          reason.when(col(required).isNull(), lit("required field " + required + " is missing"));
    }
    List<Column> rawFields = new ArrayList<>();
    Arrays.stream(sourceColumns).forEach(name -> rawFields.add(col(name).cast("string")));
    String separator = feed.format().equals("tsv") ? "\t" : ",";
    org.apache.spark.sql.Dataset<Row> checked =
        parsed
            .withColumn("_reason", reason)
            .withColumn(
                "_raw",
                coalesce(col(CORRUPT), concat_ws(separator, rawFields.toArray(Column[]::new))))
            .withColumn("source_file", col("_metadata.file_path"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long total = checked.count();
      org.apache.spark.sql.Dataset<Row> rejected = checked.filter(col("_reason").isNotNull());
      long rejectedCount = rejected.count();
      double maxRatio = parameters.get(MAX_REJECT_RATIO);
      if (total > 0 && (double) rejectedCount / total > maxRatio) {
        Row first = rejected.select("source_file", "_reason").first();
        throw new InvalidInputException(
            "Cannot load feed %s: %d of %d rows (%.2f%%) are rejected, above the limit of %.2f%%; first: %s in %s"
                .formatted(
                    feed.name(),
                    rejectedCount,
                    total,
                    100.0 * rejectedCount / total,
                    100.0 * maxRatio,
                    first.getString(1),
                    first.getString(0)));
      }

      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + namespace(feed.table()));
      List<String> columns = new ArrayList<>();
      for (String name : sourceColumns) {
        columns.add(name.equals(feed.eventTime()) ? name + " AS event_time" : name);
      }
      columns.add("source_file");
      checked
          .filter(col("_reason").isNull())
          .selectExpr(columns.toArray(String[]::new))
          .createOrReplaceTempView("adlake_load_accepted");
      spark.sql(
          ("CREATE OR REPLACE TABLE %s USING iceberg PARTITIONED BY (days(event_time))"
                  + " TBLPROPERTIES ('format-version'='2', 'adlake.feed'='%s', 'adlake.run-id'='%d')"
                  + " AS SELECT * FROM adlake_load_accepted")
              .formatted(feed.table(), feed.name(), context.runId()));
      rejected
          .select(
              col("source_file"),
              col("_raw").as("raw_line"),
              col("_reason").as("reason"),
              lit(context.runId()).as("run_id"))
          .createOrReplaceTempView("adlake_load_rejected");
      spark.sql(
          "CREATE OR REPLACE TABLE %s USING iceberg AS SELECT * FROM adlake_load_rejected"
              .formatted(feed.rejectsTable()));
      long written = total - rejectedCount;
      return new JobResult(total, written, Map.of("rejected", rejectedCount));
    } finally {
      checked.unpersist();
      spark.catalog().dropTempView("adlake_load_accepted");
      spark.catalog().dropTempView("adlake_load_rejected");
    }
  }

  private static String namespace(String table) {
    return table.substring(0, table.lastIndexOf('.'));
  }
}
