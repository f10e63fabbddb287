package dev.adlake.spark.flywheel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hashing;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.generator.flywheel.FlywheelGenerator;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The clean-room flywheel end to end on generated snapshots: the monthly pipeline (split and
 * bucket, addressable ids, register, bucketed tables, ER tables, report), a manual reprocess of the
 * older snapshot, and each output checked against the generator's files and hash functions computed
 * here, apart from the code under test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlywheelIT {
  private static final int CUSTOMERS = 2_000;
  private static final int BUCKETS = 16;

  private static Platform platform;
  private static SparkSession spark;
  private static Path root;
  private static Path expected;
  private static final List<String> progress = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void generate() {
    platform = TestPlatform.get();
    spark = platform.spark();
    root = Path.of(FlywheelConfig.of(platform.config()).root());
    expected = root.resolveSibling("flywheel-expected");
    FlywheelGenerator.generate(7L, root, expected, CUSTOMERS);
  }

  /** The monthly run: the clean room's pipeline, every job once, the latest snapshot found. */
  private static PipelineExecutor.Result runPipeline(Map<String, Map<String, String>> parameters) {
    Pipeline pipeline =
        platform.pipeline().select(Optional.empty(), Optional.of(Domain.CLEAN_ROOM));
    progress.clear();
    return platform
        .pipelineExecutor()
        .run(
            pipeline,
            "test",
            Instant.now(),
            parameters,
            new PipelineExecutor.Listener() {
              @Override
              public void progress(JobDefinition job, String line) {
                progress.add(line);
              }
            });
  }

  private static Map<String, Map<String, String>> small(String... snapshot) {
    Map<String, String> split = new java.util.HashMap<>();
    split.put("bucket-count", "" + BUCKETS);
    split.put("target-file-mb", "0.01");
    if (snapshot.length > 0) {
      split.put("snapshot-dt", snapshot[0]);
    }
    return Map.of(
        SplitAndBucketJob.INFOBASE,
        split,
        SplitAndBucketJob.ADDRESSABLE,
        Map.of("bucket-count", "" + BUCKETS, "target-file-mb", "0.02"),
        BucketedTablesJob.NAME,
        Map.of("bucket-count", "" + BUCKETS, "hive-files", "true"),
        ErTablesJob.NAME,
        Map.of("bucket-count", "" + BUCKETS));
  }

  @Test
  @Order(1)
  void theCleanRoomRunsApartFromTheRestOfThePipelineInDependencyOrder() {
    assertThat(platform.pipeline().order()).noneMatch(job -> job.domain() == Domain.CLEAN_ROOM);
    assertThat(
            platform
                .pipeline()
                .select(Optional.empty(), Optional.of(Domain.CLEAN_ROOM))
                .order()
                .stream()
                .map(JobDefinition::name))
        .containsExactly(
            SplitAndBucketJob.INFOBASE,
            SplitAndBucketJob.ADDRESSABLE,
            RegisterStagedTablesJob.NAME,
            BucketedTablesJob.NAME,
            ErTablesJob.NAME,
            CleanroomsReportJob.NAME);
    assertThat(
            platform
                .pipeline()
                .select(Optional.of(BucketedTablesJob.NAME), Optional.empty())
                .order()
                .stream()
                .map(JobDefinition::name))
        .containsExactly(BucketedTablesJob.NAME, ErTablesJob.NAME, CleanroomsReportJob.NAME);
  }

  @Test
  @Order(2)
  void aManualReprocessTakesTheOlderSnapshot() throws IOException {
    PipelineExecutor.Result result = runPipeline(small(FlywheelGenerator.OLDER));
    assertThat(result.failed()).isEmpty();
    assertThat(result.ok()).isTrue();
    assertThat(progress).contains("Manual snapshot_dt: " + FlywheelGenerator.OLDER);
    assertThat(
            Files.readString(
                    root.resolve("split_cluster/infobase_attributes/metadata/snapshot_dt.txt"))
                .trim())
        .isEqualTo(FlywheelGenerator.OLDER);
    assertThat(comment("staged.ext_ibe_01"))
        .isEqualTo("Bucketed table created from snapshot_dt=" + FlywheelGenerator.OLDER);
    assertThat(spark.table("lake.staged.ext_ibe_01").count())
        .isEqualTo(source(FlywheelGenerator.OLDER, "IBE_01").count());
  }

  @Test
  @Order(3)
  void theMonthlyRunFindsTheLatestSnapshotAndRecordsWhatItWrote() throws IOException {
    PipelineExecutor.Result result = runPipeline(small());
    assertThat(result.failed()).isEmpty();
    assertThat(result.ok()).isTrue();
    assertThat(progress)
        .contains(
            "Auto-discovered snapshot_dt: " + FlywheelGenerator.LATEST,
            "Wrote snapshot_dt=%s to %ssplit_cluster/infobase_attributes/metadata/snapshot_dt.txt"
                .formatted(FlywheelGenerator.LATEST, FlywheelConfig.of(platform.config()).root()),
            "Created bucketed_ibe_01 with snapshot_dt=%s (%,d rows, %d buckets)"
                .formatted(FlywheelGenerator.LATEST, truthRows("IBE_01"), BUCKETS));
    JobResult split = result.succeeded().get(SplitAndBucketJob.INFOBASE).result();
    assertThat(split.describe("snapshot_dt")).isEqualTo(FlywheelGenerator.LATEST);
    assertThat(split.figures().get("tables")).isEqualTo(3L);
    assertThat(split.figures().get("rows"))
        .isEqualTo(truthRows("IBE_01") + truthRows("IBE_04") + truthRows("MIACS_01"));
    assertThat(split.figures().get("files")).isGreaterThan(3L);
    assertThat(split.figures().get("bytes")).isPositive();
    assertThat(
            Files.readString(
                    root.resolve("split_cluster/infobase_attributes/metadata/snapshot_dt.txt"))
                .trim())
        .isEqualTo(FlywheelGenerator.LATEST);
  }

  @Test
  @Order(4)
  void everySourceRowIsInExactlyOneOutputTableWithItsMappedColumns() {
    Map<String, List<String>> mapped =
        Map.of(
            "IBE_01",
            List.of(
                "customer_user_id",
                "age_range",
                "gender",
                "income_band",
                "home_owner",
                "household_size"),
            "IBE_04",
            List.of(
                "customer_user_id", "auto_intender", "travel_intender", "pet_owner", "net_worth"),
            "MIACS_01",
            List.of("customer_user_id", "miacs_cluster", "lifestage", "urbanicity"));
    for (Map.Entry<String, List<String>> table : mapped.entrySet()) {
      Dataset<Row> out =
          spark
              .read()
              .parquet(
                  root.resolve("split_cluster/infobase_attributes/" + table.getKey()).toString());
      assertThat(out.columns()).containsExactlyElementsOf(table.getValue());
      Dataset<Row> in =
          source(FlywheelGenerator.LATEST, table.getKey())
              .selectExpr(
                  table.getValue().stream()
                      .map(c -> "CAST(" + c + " AS STRING) AS " + c)
                      .toArray(String[]::new));
      Dataset<Row> written =
          out.selectExpr(
              table.getValue().stream()
                  .map(c -> "CAST(" + c + " AS STRING) AS " + c)
                  .toArray(String[]::new));
      assertThat(written.count()).isEqualTo(truthRows(table.getKey()));
      assertThat(written.select("customer_user_id").distinct().count()).isEqualTo(written.count());
      assertThat(written.exceptAll(in).count()).isZero();
      assertThat(in.exceptAll(written).count()).isZero();
    }
    // No output for a column the mapping leaves out, and no table of the older snapshot's rows.
    assertThat(root.resolve("split_cluster/infobase_attributes").toFile().list())
        .containsExactlyInAnyOrder("IBE_01", "IBE_04", "MIACS_01", "metadata");
  }

  @Test
  @Order(5)
  void eachSplitFileHoldsAContiguousRunOfBucketsAndTheFileCountFollowsTheSizeRule()
      throws IOException {
    for (String table : List.of("IBE_01", "IBE_04", "MIACS_01")) {
      List<Path> files = parquetFiles(root.resolve("split_cluster/infobase_attributes/" + table));
      long bytes = 0;
      List<int[]> ranges = new ArrayList<>();
      for (Path file : files) {
        bytes += Files.size(file);
        List<Integer> buckets =
            spark
                .read()
                .parquet(file.toString())
                .select("customer_user_id")
                .collectAsList()
                .stream()
                .map(row -> icebergBucket(row.getString(0), BUCKETS))
                .sorted()
                .toList();
        ranges.add(new int[] {buckets.get(0), buckets.get(buckets.size() - 1)});
      }
      ranges.sort(java.util.Comparator.comparingInt(range -> range[0]));
      for (int i = 1; i < ranges.size(); i++) {
        // A bucket may straddle two neighbouring files, no more.
        assertThat(ranges.get(i)[0]).isGreaterThanOrEqualTo(ranges.get(i - 1)[1]);
      }
      // The size rule: files = the table's Parquet size over the target (10 KB), rounded.
      long target = SplitParameters.targetBytes(0.01);
      long rule = Math.max(1, Math.round((double) bytes / target));
      assertThat((double) files.size()).as(table).isBetween(rule * 0.6, rule * 1.4 + 1);
      assertThat(progress)
          .anyMatch(
              line ->
                  line.startsWith(table.toLowerCase() + ": about ")
                      && line.contains(
                          files.size()
                              + " files of "
                              + dev.adlake.core.job.Unit.BYTES.format(target)
                              + " target"));
    }
  }

  @Test
  @Order(6)
  void theAddressableIdsAreFilesDirectlyInTheirFolderRegisteredAsATable() {
    Path folder = root.resolve("split_cluster/addressable_ids");
    assertThat(folder.resolve("metadata/snapshot_dt.txt"))
        .content()
        .isEqualToIgnoringNewLines(FlywheelGenerator.LATEST);
    assertThat(folder.toFile().list()).anyMatch(name -> name.endsWith(".parquet"));
    assertThat(spark.table("lake.staged.ext_addressable_ids").count())
        .isEqualTo(truth().path("addressable_rows").asLong());
    for (String table :
        List.of("ext_ibe_01", "ext_ibe_04", "ext_miacs_01", "ext_addressable_ids")) {
      assertThat(comment("staged." + table))
          .isEqualTo("Bucketed table created from snapshot_dt=" + FlywheelGenerator.LATEST);
    }
  }

  @Test
  @Order(7)
  void theBucketedTablesPutEachRowInTheBucketItsKeyHashesTo() {
    for (String table : List.of("ibe_01", "ibe_04", "miacs_01", "addressable_ids")) {
      String name = "cleanroom.bucketed_" + table;
      assertThat(comment(name))
          .isEqualTo("Bucketed table created from snapshot_dt=" + FlywheelGenerator.LATEST);
      assertThat(spark.table("lake." + name).count())
          .isEqualTo(spark.table("lake.staged.ext_" + table).count());
      List<Row> rows =
          spark
              .sql("SELECT customer_user_id, _partition.customer_user_id_bucket FROM lake." + name)
              .collectAsList();
      assertThat(rows).isNotEmpty();
      for (Row row : rows) {
        assertThat(row.getInt(1))
            .as(row.getString(0))
            .isEqualTo(icebergBucket(row.getString(0), BUCKETS));
      }
    }
    assertThat(
            platform
                .spark()
                .sql("SELECT spec_id, partition FROM lake.cleanroom.bucketed_ibe_01.partitions")
                .count())
        .isEqualTo(BUCKETS);
  }

  @Test
  @Order(8)
  void theHiveBucketedFilesUseHivesHashOneFileABucket() throws IOException {
    Path folder = root.resolve("cleanroom_tables/bucketed/bucketed_ibe_01");
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(file -> !file.getFileName().toString().startsWith(".")).sorted().toList();
    }
    assertThat(files).hasSize(BUCKETS);
    long rows = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      assertThat(name).matches("\\d{6}_0");
      int bucket = Integer.parseInt(name.substring(0, 6));
      for (Row row :
          spark.read().parquet(file.toString()).select("customer_user_id").collectAsList()) {
        assertThat(hiveBucket(row.getString(0), BUCKETS)).as(row.getString(0)).isEqualTo(bucket);
        rows++;
      }
    }
    assertThat(rows).isEqualTo(truthRows("IBE_01"));
    assertThat(root.resolve("cleanroom_tables/bucketed/metadata/snapshot_dt.txt"))
        .content()
        .isEqualToIgnoringNewLines(FlywheelGenerator.LATEST);
  }

  @Test
  @Order(9)
  void aJoinOfTwoBucketedTablesOnTheKeyPlansNoExchange() {
    SparkSession session = BucketedJoins.session(spark);
    session.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    Dataset<Row> joined =
        session.sql(
            "SELECT a.age_range, count(*) FROM lake.cleanroom.bucketed_ibe_01 a"
                + " JOIN lake.cleanroom.bucketed_ibe_04 b ON a.customer_user_id = b.customer_user_id"
                + " GROUP BY a.age_range");
    String plan = joined.queryExecution().executedPlan().toString();
    assertThat(plan).contains("SortMergeJoin");
    // The aggregation after the join shuffles; the join's two sides do not.
    String join = plan.substring(plan.indexOf("SortMergeJoin"));
    assertThat(join).doesNotContain("Exchange");
    long expectedRows =
        spark
            .table("lake.cleanroom.bucketed_ibe_01")
            .join(spark.table("lake.cleanroom.bucketed_ibe_04"), "customer_user_id")
            .count();
    assertThat(joined.collectAsList().stream().mapToLong(row -> row.getLong(1)).sum())
        .isEqualTo(expectedRows);
  }

  @Test
  @Order(10)
  void theErTablesHoldEveryRowOnceWithAUniqueRowId() {
    for (String table : List.of("ibe_01", "ibe_04", "miacs_01", "addressable_ids")) {
      Dataset<Row> er = spark.table("lake.cleanroom.part_" + table + "_er");
      assertThat(er.columns()).containsExactly("row_id", "customer_user_id");
      Dataset<Row> source =
          spark.table("lake.cleanroom.bucketed_" + table).select("customer_user_id");
      assertThat(er.count()).isEqualTo(source.count());
      assertThat(er.select("row_id").distinct().count()).isEqualTo(er.count());
      assertThat(er.select("customer_user_id").exceptAll(source).count()).isZero();
      assertThat(source.exceptAll(er.select("customer_user_id")).count()).isZero();
    }
  }

  @Test
  @Order(11)
  void theReportListsEveryTableAndNamespaceWithTheirStatuses() throws IOException {
    Path reports = Path.of(FlywheelConfig.of(platform.config()).reports());
    Path json;
    try (Stream<Path> list = Files.list(reports)) {
      json =
          list.filter(
                  file ->
                      file.getFileName()
                          .toString()
                          .matches("ACX_Cleanroom_Report_\\d{8}_\\d{6}\\.json"))
              .max(java.util.Comparator.naturalOrder())
              .orElseThrow();
    }
    String base = json.getFileName().toString().replace(".json", "");
    List<String> tables = Files.readAllLines(reports.resolve(base + "_Tables.csv"));
    assertThat(tables.get(0)).isEqualTo(String.join(",", CleanroomsReportJob.TABLE_COLUMNS));
    Map<String, String> byTable = new TreeMap<>();
    tables.stream()
        .skip(1)
        .forEach(line -> byTable.put(line.substring(0, line.indexOf(',')), line));
    assertThat(byTable.keySet())
        .containsExactly("part_addressable_ids", "part_ibe_01", "part_ibe_04", "part_miacs_01");
    assertThat(byTable.get("part_ibe_01"))
        .isEqualTo(
            "part_ibe_01,bucketed_ibe_01,YES,%s,ACTIVE,ASSOCIATED,921424374836,AGGREGATION (min %d users of customer_user_id),YES,"
                .formatted(FlywheelGenerator.LATEST, FlywheelGenerator.MINIMUM_USERS));
    assertThat(byTable.get("part_addressable_ids"))
        .isEqualTo(
            "part_addressable_ids,bucketed_addressable_ids,YES,%s,ACTIVE,NOT_ASSOCIATED,,,NO,not associated with the membership; no analysis rule"
                .formatted(FlywheelGenerator.LATEST));
    List<String> identity = Files.readAllLines(reports.resolve(base + "_IdentityResolution.csv"));
    assertThat(identity)
        .containsExactly(
            String.join(",", CleanroomsReportJob.IDENTITY_COLUMNS),
            "ACXIdNamespace,SOURCE,RULE_BASED,cleanroom,us-east-1,part_addressable_ids_er,ACX_SCHEMA,row_id,row_id,UNIQUE_ID,",
            "ACXIdNamespace,SOURCE,RULE_BASED,cleanroom,us-east-1,part_addressable_ids_er,ACX_SCHEMA,row_id,customer_user_id,PROVIDER_ID,CUSTOMER");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("summary").path("tables").asInt()).isEqualTo(4);
    assertThat(report.path("summary").path("ready_for_analysis").asInt()).isEqualTo(3);
    assertThat(report.path("tables").get(0).path("analysis_rules").asText())
        .startsWith("AGGREGATION");
  }

  @Test
  @Order(12)
  void missingSnapshotsMetadataAndEmptySnapshotsAreNamed(
      @org.junit.jupiter.api.io.TempDir Path temp) throws IOException {
    SnapshotBucketer bucketer = new SnapshotBucketer(spark, line -> {});
    assertThatThrownBy(() -> bucketer.chooseSnapshot(temp.toUri(), Optional.empty()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("No snapshots found under " + temp.toUri());
    URI input = root.resolve("infobase_attributes/raw_input").toUri();
    assertThatThrownBy(
            () ->
                bucketer.chooseSnapshot(
                    input, Optional.of(java.time.LocalDate.parse("2025-01-01"))))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("No snapshot snapshot_dt=2025-01-01")
        .hasMessageContaining(FlywheelGenerator.OLDER + ", " + FlywheelGenerator.LATEST);
    Files.createDirectories(temp.resolve("snapshot_dt=2025-11-01"));
    assertThatThrownBy(() -> bucketer.sourceTables(temp.resolve("snapshot_dt=2025-11-01").toUri()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is empty");
    Files.createDirectories(temp.resolve("staged/IBE_01"));
    assertThatThrownBy(
            () ->
                RegisterStagedTablesJob.discover(bucketer.files(), temp.resolve("staged").toUri()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Metadata not found: ")
        .hasMessageContaining(temp.resolve("staged/metadata/snapshot_dt.txt").toString());
  }

  @Test
  @Order(13)
  void aRunWithAnotherBucketCountRebucketsTheTablesAndKeepsTheirMetadataReadable() {
    int other = BUCKETS * 2;
    Map<String, Map<String, String>> parameters = new java.util.HashMap<>(small());
    parameters.put(BucketedTablesJob.NAME, Map.of("bucket-count", "" + other));
    parameters.put(ErTablesJob.NAME, Map.of("bucket-count", "" + other));
    assertThat(runPipeline(parameters).failed()).isEmpty();
    for (String table : List.of("cleanroom.bucketed_ibe_01", "cleanroom.part_ibe_01_er")) {
      assertThat(dev.adlake.spark.LakeTables.load(spark, table).spec().fields())
          .singleElement()
          .satisfies(field -> assertThat(field.transform()).hasToString("bucket[" + other + "]"));
      // Replacing the table in place would leave two partition fields of one name, which
      // Iceberg's metadata tables refuse.
      assertThat(
              spark
                  .sql("SELECT sum(record_count) FROM lake." + table + ".files")
                  .first()
                  .getLong(0))
          .isEqualTo(truthRows("IBE_01"));
    }
  }

  private static String comment(String table) {
    return dev.adlake.spark.LakeTables.load(spark, table).properties().get("comment");
  }

  private static Dataset<Row> source(String date, String table) {
    Path snapshot = root.resolve("infobase_attributes/raw_input/snapshot_dt=" + date);
    Path folder = snapshot.resolve(table);
    String path =
        Files.isDirectory(folder)
            ? folder.toString()
            : snapshot.resolve(table + ".csv.gz").toString();
    Dataset<Row> rows = spark.read().option("header", "true").csv(path);
    for (String column : rows.columns()) {
      rows = rows.withColumnRenamed(column, column.toLowerCase());
    }
    return rows;
  }

  private static JsonNode truth() {
    try {
      return new ObjectMapper().readTree(expected.resolve(FlywheelGenerator.TRUTH_FILE).toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long truthRows(String table) {
    return truth().path("rows").path(table).asLong();
  }

  private static List<Path> parquetFiles(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(file -> file.getFileName().toString().endsWith(".parquet")).toList();
    }
  }

  /** Iceberg's bucket transform as its spec defines it: Murmur3 x86 32 of the UTF-8 bytes. */
  private static int icebergBucket(String key, int buckets) {
    int hash = Hashing.murmur3_32_fixed().hashString(key, StandardCharsets.UTF_8).asInt();
    return (hash & Integer.MAX_VALUE) % buckets;
  }

  /** Hive's bucket of a string: its hash 31 * h + b over the UTF-8 bytes, then mod. */
  private static int hiveBucket(String key, int buckets) {
    int hash = 0;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash = 31 * hash + b;
    }
    return (hash & Integer.MAX_VALUE) % buckets;
  }
}
