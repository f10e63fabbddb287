package dev.adlake.spark.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.metadata.JdbcMaintenanceLog;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.PlatformTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.TestPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Retention and table upkeep on the shared platform's real services: generated ad-server events
 * over twelve days across a month end, kept by "month-ends-after", checked day by day against the
 * generator's truth; the serving store's batched cleanup while readers keep reading; and Iceberg
 * upkeep of a table of many small commits, every retained snapshot read back.
 */
class MaintenanceIT {
  private static final String EVENTS = "maint.adserver__events";
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 24);
  private static final int DAYS = 12;

  /** As of Feb 4 with month ends kept after 3 days: Jan 24-30 go, Jan 31 and Feb 1-4 stay. */
  private static final LocalDate AS_OF = LocalDate.of(2026, 2, 4);

  @Test
  void retentionKeepsExactlyWhatItsPolicySaysAndTheMonthEnds() throws Exception {
    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("maintenance-it");
    AdlakeConfig config =
        config(
            root,
            Map.of(
                "feeds.events.prefix",
                BuiltInFeeds.ADSERVER_EVENTS,
                "feeds.events.format",
                "tsv",
                "feeds.events.table",
                EVENTS,
                "feeds.events.event-time",
                "timestamp",
                "feeds.events.schema",
                "ad_id int not null, campaign_id int not null, advertiser_id int not null,"
                    + " timestamp timestamp not null, impression_id string not null, ip"
                    + " string, user_id string, event string not null, url string,"
                    + " user_agent string",
                "tables." + EVENTS + ".retention",
                "month-ends-after 3d",
                // Only this test's table: a serving table's rows are the next test's.
                "tables.serving.users.retention",
                "forever",
                "tables.serving.refreshes.retention",
                "forever"));
    AdDataGenerator.generate(
        new GeneratorOptions(
            3L, FIRST_DAY, DAYS, 600, config.landing().path(), root.resolve("expected"), 2),
        (done, total) -> {});
    // The generated files straight into a table of the ingestion's shape (ingestion itself is
    // IngestionIT's): partitioned by day of the event time, as a feed's table is.
    SparkSession spark = platform.spark();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS maint");
    spark.sql(
        ("CREATE TABLE %s (ad_id INT, campaign_id INT, advertiser_id INT, event_time TIMESTAMP,"
                + " impression_id STRING, user_id STRING, event STRING) USING iceberg"
                + " PARTITIONED BY (days(event_time))")
            .formatted(EVENTS));
    spark
        .read()
        .option("sep", "\t")
        .schema(
            "ad_id INT, campaign_id INT, advertiser_id INT, event_time TIMESTAMP, impression_id"
                + " STRING, ip STRING, user_id STRING, event STRING, url STRING, user_agent STRING")
        .csv(config.landing().path().resolve(BuiltInFeeds.ADSERVER_EVENTS).toString())
        .filter("ad_id IS NOT NULL AND event_time IS NOT NULL")
        .selectExpr(
            "ad_id",
            "campaign_id",
            "advertiser_id",
            "event_time",
            "impression_id",
            "user_id",
            "event")
        .sortWithinPartitions("event_time")
        .writeTo(EVENTS)
        .append();
    Map<LocalDate, Long> truth =
        truthPerDay(root.resolve("expected").resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE));
    assertThat(truth).hasSize(DAYS);
    assertThat(impressionsPerDay(spark)).isEqualTo(truth);
    // Jan 24 to 30 go; Jan 31, a month end, stays.
    long removable =
        spark
            .sql(
                "SELECT count(*) FROM %s WHERE event_time < TIMESTAMP '2026-01-31 00:00:00'"
                    .formatted(EVENTS))
            .first()
            .getLong(0);
    long total = spark.table(EVENTS).count();
    TableCatalog catalog =
        new TableCatalog()
            .add(
                TableDefinition.lake(EVENTS, Domain.INGESTION, "generated events", List.of())
                    .partitionedBy("days(event_time)")
                    .keptBy("event_time", Retention.FOREVER))
            .retain(EVENTS, Retention.parse("month-ends-after 3d"), "test");

    // The dry run lists the rows and files, and changes nothing.
    JobResult planned =
        run(
            platform,
            config,
            catalog,
            new RetentionJob(),
            "dry-run",
            "true",
            "as-of",
            AS_OF.toString(),
            "table",
            EVENTS);
    assertThat(planned.figures()).containsEntry("rows_removed", removable);
    assertThat(planned.figures().get("files_removed")).isPositive();
    assertThat(spark.table(EVENTS).count()).isEqualTo(total);

    Table before = LakeTables.load(spark, EVENTS);
    JobResult applied =
        run(platform, config, catalog, new RetentionJob(), "as-of", AS_OF.toString());
    assertThat(applied.figures()).containsEntry("rows_removed", removable);
    assertThat(applied.figures()).containsEntry("tables_cleaned", 1L);
    Map<LocalDate, Long> kept = new TreeMap<>(truth);
    kept.keySet().removeIf(day -> day.isBefore(LocalDate.of(2026, 1, 31)));
    assertThat(impressionsPerDay(spark)).isEqualTo(kept);
    assertThat(spark.table(EVENTS).count()).isEqualTo(total - removable);
    // Whole daily partitions went from the metadata: no data file was rewritten.
    Table after = LakeTables.load(spark, EVENTS);
    Snapshot delete = after.currentSnapshot();
    assertThat(delete.parentId()).isEqualTo(before.currentSnapshot().snapshotId());
    assertThat(delete.operation()).isEqualTo("delete");
    assertThat(delete.summary()).doesNotContainKey("added-data-files");
    MaintenanceAction recorded =
        new JdbcMaintenanceLog(platform.metadata().dataSource())
            .recent(Optional.of(EVENTS), 1)
            .get(0);
    assertThat(recorded.rowsRemoved()).isEqualTo(removable);
    assertThat(recorded.bytesRemoved()).isPositive();

    // A rerun finds nothing more to remove; a later day removes the days the policy lets go.
    JobResult again = run(platform, config, catalog, new RetentionJob(), "as-of", AS_OF.toString());
    assertThat(again.figures()).containsEntry("rows_removed", 0L);
    run(platform, config, catalog, new RetentionJob(), "as-of", "2026-02-06");
    kept.keySet()
        .removeIf(
            day ->
                day.isAfter(LocalDate.of(2026, 1, 31)) && day.isBefore(LocalDate.of(2026, 2, 3)));
    assertThat(impressionsPerDay(spark)).isEqualTo(kept);
  }

  @Test
  void servingCleanupDeletesInBatchesWhileReadersKeepReading() throws Exception {
    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("maintenance-serving-it");
    AdlakeConfig config =
        config(
            root,
            Map.of(
                "tables.serving.users.retention", "30d",
                "tables.serving.refreshes.retention", "forever",
                "maintenance.serving.batch-rows", "500"));
    // Ad 990001's users: an hour a day for 60 days, 100 users each.
    LocalDateTime start = LocalDateTime.of(2026, 3, 1, 12, 0);
    try (Connection connection = platform.metadata().dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO serving.users (ad_id, hour, user_id) VALUES (990001, ?, ?)")) {
      for (int day = 0; day < 60; day++) {
        for (int user = 0; user < 100; user++) {
          insert.setObject(1, start.plusDays(day));
          insert.setString(2, "u" + user);
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
    TableCatalog catalog = PlatformTables.catalog(config);
    AtomicBoolean cleaning = new AtomicBoolean(true);
    AtomicLong reads = new AtomicLong();
    AtomicLong slowest = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try (Connection connection = platform.metadata().dataSource().getConnection();
                  Statement statement = connection.createStatement()) {
                statement.execute("SET statement_timeout = '2s'");
                while (cleaning.get()) {
                  long began = System.nanoTime();
                  try (ResultSet rows =
                      statement.executeQuery(
                          "SELECT count(DISTINCT user_id) FROM serving.users WHERE ad_id = 990001")) {
                    rows.next();
                  }
                  slowest.accumulateAndGet(System.nanoTime() - began, Math::max);
                  reads.incrementAndGet();
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    reader.start();
    JobResult cleaned;
    try {
      cleaned =
          run(
              platform,
              config,
              catalog,
              new RetentionJob(),
              "as-of",
              "2026-04-30",
              "table",
              "serving.users");
    } finally {
      cleaning.set(false);
      reader.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(reads.get()).isPositive();
    assertThat(Duration.ofNanos(slowest.get())).isLessThan(Duration.ofSeconds(2));
    // 30 days before Apr 30 is Mar 31: the 30 days of March go.
    assertThat(cleaned.figures()).containsEntry("rows_removed", 30L * 100);
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT min(hour), count(*) FROM serving.users WHERE ad_id = 990001")) {
      rows.next();
      assertThat(rows.getObject(1, LocalDateTime.class))
          .isEqualTo(LocalDateTime.of(2026, 3, 31, 12, 0));
      assertThat(rows.getLong(2)).isEqualTo(30L * 100);
    }
  }

  @Test
  void upkeepCompactsExpiresAndRemovesOnlyOldOrphansKeepingEveryRetainedSnapshotReadable()
      throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    String name = "maint.small_files";
    spark.sql("CREATE NAMESPACE IF NOT EXISTS maint");
    spark.sql(
        "CREATE TABLE %s (day DATE, v BIGINT) USING iceberg PARTITIONED BY (day)".formatted(name));
    for (int commit = 0; commit < 12; commit++) {
      spark.sql(
          "INSERT INTO %s VALUES (DATE '2026-02-01', %d), (DATE '2026-02-02', %d)"
              .formatted(name, commit, commit * 10));
    }
    Table table = LakeTables.load(spark, name);
    Path data = Path.of(java.net.URI.create(table.location())).resolve("data");
    Path oldOrphan = data.resolve("day=2026-02-01").resolve("orphan-old.parquet");
    Path youngOrphan = data.resolve("day=2026-02-01").resolve("orphan-young.parquet");
    Files.write(oldOrphan, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(oldOrphan, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Files.write(youngOrphan, new byte[] {4, 5, 6});
    long filesBefore = dataFiles(spark, name);
    Map<String, Long> sumsBefore = sumsPerDay(spark, name);
    assertThat(filesBefore).isEqualTo(24);

    Path root = platform.config().home().resolve("maintenance-upkeep-it");
    AdlakeConfig config =
        config(
            root,
            Map.of(
                "maintenance.snapshots.keep-last", "3",
                "maintenance.snapshots.keep-for", "0s",
                "maintenance.orphans.min-age", "1d",
                "maintenance.compaction.min-input-files", "2"));
    TableCatalog catalog =
        new TableCatalog()
            .add(
                TableDefinition.lake(
                    name,
                    Domain.MAINTENANCE,
                    "small commits",
                    List.of(
                        new TableColumn("day", "DATE", true),
                        new TableColumn("v", "BIGINT", true))));

    JobResult planned = run(platform, config, catalog, new TableUpkeepJob(), "dry-run", "true");
    assertThat(planned.figures()).containsEntry("files_removed", 24L);
    assertThat(dataFiles(spark, name)).isEqualTo(24);

    JobResult done = run(platform, config, catalog, new TableUpkeepJob());
    assertThat(done.figures().get("files_added")).isPositive();
    assertThat(dataFiles(spark, name)).isEqualTo(2);
    assertThat(sumsPerDay(spark, name)).isEqualTo(sumsBefore);
    Table kept = LakeTables.load(spark, name);
    List<Snapshot> retained = new ArrayList<>();
    kept.snapshots().forEach(retained::add);
    assertThat(retained).hasSize(3);
    for (Snapshot snapshot : retained) {
      Map<String, Long> sums = new TreeMap<>();
      for (Row row :
          spark
              .read()
              .option("versionAsOf", snapshot.snapshotId())
              .table(name)
              .groupBy("day")
              .sum("v")
              .collectAsList()) {
        sums.put(row.getDate(0).toString(), row.getLong(1));
      }
      assertThat(sums).as("snapshot %d", snapshot.snapshotId()).isEqualTo(sumsBefore);
    }
    assertThat(oldOrphan).doesNotExist();
    assertThat(youngOrphan).exists();
    List<MaintenanceAction> history =
        new JdbcMaintenanceLog(platform.metadata().dataSource()).recent(Optional.of(name), 10);
    assertThat(history)
        .extracting(MaintenanceAction::action)
        .contains(TableUpkeep.COMPACT, TableUpkeep.EXPIRE_SNAPSHOTS, TableUpkeep.REMOVE_ORPHANS);
  }

  private static long dataFiles(SparkSession spark, String table) {
    return spark.sql("SELECT count(*) FROM %s.files".formatted(table)).first().getLong(0);
  }

  private static Map<String, Long> sumsPerDay(SparkSession spark, String table) {
    Map<String, Long> sums = new TreeMap<>();
    for (Row row :
        spark.sql("SELECT day, sum(v) FROM %s GROUP BY day".formatted(table)).collectAsList()) {
      sums.put(row.getDate(0).toString(), row.getLong(1));
    }
    return sums;
  }

  private static AdlakeConfig config(Path root, Map<String, String> settings) {
    Platform platform = TestPlatform.get();
    Map<String, String> overrides = new LinkedHashMap<>(settings);
    overrides.put("landing.path", root.resolve("landing").toString());
    overrides.put("ingest.archive-path", root.resolve("archive").toString());
    overrides.put("ingest.error-path", root.resolve("error").toString());
    return ConfigLoader.load(
        new ConfigLoader.Request(
            Optional.of(platform.config().home()), Optional.empty(), Map.of(), overrides, root));
  }

  private static JobResult run(
      Platform platform,
      AdlakeConfig config,
      TableCatalog catalog,
      SparkJob job,
      String... parameters) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      given.put(parameters[i], parameters[i + 1]);
    }
    long runId = platform.runs().start(job.definition(), given);
    return job.run(
        new SparkJobContext(
            platform.spark(),
            config,
            platform.metadata(),
            platform::kafkaBootstrapServers,
            catalog,
            runId,
            line -> {}),
        JobParameters.resolve(job.definition(), given));
  }

  /** Distinct impressions per day in the table, as the truth counts them. */
  private static Map<LocalDate, Long> impressionsPerDay(SparkSession spark) {
    Map<LocalDate, Long> days = new TreeMap<>();
    for (Row row :
        spark
            .sql(
                "SELECT to_date(event_time), count(DISTINCT impression_id) FROM %s"
                        .formatted(EVENTS)
                    + " WHERE event = 'impression' GROUP BY 1")
            .collectAsList()) {
      days.put(row.getDate(0).toLocalDate(), row.getLong(1));
    }
    return days;
  }

  private static Map<LocalDate, Long> truthPerDay(Path expected) throws IOException {
    Map<LocalDate, Long> days = new TreeMap<>();
    try (Stream<String> lines = Files.lines(expected)) {
      lines
          .skip(1)
          .map(line -> line.split(","))
          .filter(fields -> Long.parseLong(fields[4]) > 0)
          .forEach(
              fields ->
                  days.merge(
                      LocalDate.ofInstant(Instant.parse(fields[0]), ZoneOffset.UTC),
                      Long.parseLong(fields[4]),
                      Long::sum));
    }
    return days;
  }
}
