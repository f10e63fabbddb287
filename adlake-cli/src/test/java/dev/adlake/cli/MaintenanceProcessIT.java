package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.metadata.JdbcErasures;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.ingestion.Ingestion;
import dev.adlake.spark.ingestion.LandingStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Maintenance runs killed in the middle (the process halts as on SIGKILL), then rerun: the rerun
 * ends where an uninterrupted run would, with every table readable.
 *
 * <p>An erasure killed after one table's delete and before the expiry of its older snapshots and
 * the other table: the user is then in no retained snapshot, and the interrupted erasure is
 * recorded as such. A retention run killed after its first table: the rerun cleans the other, and
 * both keep exactly the days their policy keeps.
 */
class MaintenanceProcessIT {
  private static final String[] TABLES = {"erase_proc.clicks", "erase_proc.views"};
  private static final String[] RETAINED = {"retention_proc.clicks", "retention_proc.views"};

  @Test
  void anErasureKilledMidwayIsFinishedByItsRerun() throws Exception {
    Platform platform = TestPlatform.get();
    Path home = platform.config().home().resolve("erase-process");
    Path configFile = home.resolve("adlake.yaml");
    Files.createDirectories(home);
    Files.writeString(
        configFile,
        """
        metadata:
          jdbc-url: "%s"
          password: "%s"
        spark:
          master: local[1]
          shuffle-partitions: 2
        enrich:
          pseudonymize-user-ids: false
        feeds:
          clicks: {prefix: clicks/, format: csv, table: erase_proc.clicks, schema: "user_id string not null, v int"}
          views: {prefix: views/, format: csv, table: erase_proc.views, schema: "user_id string not null, v int"}
        """
            .formatted(
                platform.metadata().jdbcUrl(), platform.metadata().password().orElseThrow()));
    AdlakeConfig config = load(home, configFile);
    // Two files per feed, two loads and snapshots per table; the user in both files.
    for (int file = 0; file < 2; file++) {
      for (String feed : List.of("clicks", "views")) {
        Path landed = config.landing().path().resolve(feed).resolve("part-" + file + ".csv");
        Files.createDirectories(landed.getParent());
        Files.writeString(
            landed,
            "user_id,v\ncookie-u,%d\ncookie-v,%d\ncookie-w,%d\n".formatted(file, file, file));
      }
      ingestAll(config);
    }
    SparkSession spark = platform.spark();
    for (String table : TABLES) {
      assertThat(userRows(spark, table, "cookie-u")).isEqualTo(2);
    }

    Process killed = erase(home, configFile, "-Dadlake.test.crash-point=erase-after-delete");
    assertThat(killed.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(killed.exitValue()).as(Files.readString(home.resolve("erase.log"))).isEqualTo(137);
    // Killed after the first table's delete: its older snapshots still hold the user.
    spark.sql("REFRESH TABLE " + TABLES[0]);
    assertThat(spark.table(TABLES[0]).where("user_id = 'cookie-u'").count()).isZero();
    assertThat(snapshotsHolding(spark, TABLES[0], "cookie-u")).isPositive();
    assertThat(userRows(spark, TABLES[1], "cookie-u")).isEqualTo(2);

    Process rerun = erase(home, configFile);
    assertThat(rerun.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(rerun.exitValue()).as(Files.readString(home.resolve("erase.log"))).isZero();
    for (String table : TABLES) {
      spark.sql("REFRESH TABLE " + table);
      assertThat(snapshotsHolding(spark, table, "cookie-u")).as(table).isZero();
      assertThat(userRows(spark, table, "cookie-v")).as(table).isEqualTo(2);
      assertThat(userRows(spark, table, "cookie-w")).as(table).isEqualTo(2);
      assertThat(spark.table(table).count()).as(table).isEqualTo(4);
    }
    List<JdbcErasures.Erasure> erasures =
        new JdbcErasures(platform.metadata().dataSource())
            .recent(10).stream().filter(erasure -> erasure.subject().equals("cookie-u")).toList();
    assertThat(erasures)
        .extracting(JdbcErasures.Erasure::status)
        .containsExactly("erased", "failed");
    assertThat(erasures.get(1).error()).get().asString().contains("interrupted");
    assertThat(erasures.get(0).proof()).containsKeys(TABLES);
    assertThat(erasures.get(0).proof().values()).allMatch(text -> text.startsWith("0 rows"));
    assertThat(Files.readString(home.resolve("erase.log")))
        .contains("proof: erase_proc.clicks: 0 rows in 1 retained snapshots");
  }

  @Test
  void aRetentionRunKilledAfterItsFirstTableIsFinishedByItsRerun() throws Exception {
    Platform platform = TestPlatform.get();
    Path home = platform.config().home().resolve("retention-process");
    Path configFile = home.resolve("adlake.yaml");
    Files.createDirectories(home);
    StringBuilder yaml =
        new StringBuilder(
            """
            metadata:
              jdbc-url: "%s"
              password: "%s"
            spark:
              master: local[1]
              shuffle-partitions: 2
            enrich:
              pseudonymize-user-ids: false
            tables:
              serving.users: {retention: forever}
              serving.refreshes: {retention: forever}
              %s: {retention: 3d}
              %s: {retention: 3d}
            feeds:
            """
                .formatted(
                    platform.metadata().jdbcUrl(),
                    platform.metadata().password().orElseThrow(),
                    RETAINED[0],
                    RETAINED[1]));
    for (String table : RETAINED) {
      String feed = table.substring(table.indexOf('.') + 1);
      yaml.append(
          ("  %s: {prefix: %s/, format: csv, table: %s, event-time: at,"
                  + " schema: \"user_id string not null, at timestamp not null, v int\"}\n")
              .formatted(feed, feed, table));
    }
    Files.writeString(configFile, yaml.toString());
    AdlakeConfig config = load(home, configFile);
    // Ten days of rows, three a day, in each table: as of Nov 11, Nov 8 to 10 stay.
    for (String table : RETAINED) {
      String feed = table.substring(table.indexOf('.') + 1);
      StringBuilder csv = new StringBuilder("user_id,at,v\n");
      for (int day = 1; day <= 10; day++) {
        for (int hour = 0; hour < 3; hour++) {
          csv.append("cookie-%d,2026-11-%02d %02d:30:00,%d\n".formatted(hour, day, hour * 7, day));
        }
      }
      Path landed = config.landing().path().resolve(feed).resolve("days.csv");
      Files.createDirectories(landed.getParent());
      Files.writeString(landed, csv);
    }
    ingestAll(config);
    SparkSession spark = platform.spark();
    for (String table : RETAINED) {
      assertThat(spark.table(table).count()).isEqualTo(30);
    }

    Process killed = maintain(home, configFile, "-Dadlake.test.crash-point=retention-after-table");
    assertThat(killed.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(killed.exitValue())
        .as(Files.readString(home.resolve("maintenance.log")))
        .isEqualTo(137);
    // Killed after one table: that one keeps its last three days, the other all ten.
    List<Long> counts = new ArrayList<>();
    for (String table : RETAINED) {
      spark.sql("REFRESH TABLE " + table);
      counts.add(spark.table(table).count());
    }
    assertThat(counts).containsExactlyInAnyOrder(9L, 30L);

    Process rerun = maintain(home, configFile);
    assertThat(rerun.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String log = Files.readString(home.resolve("maintenance.log"));
    assertThat(rerun.exitValue()).as(log).isZero();
    for (String table : RETAINED) {
      spark.sql("REFRESH TABLE " + table);
      assertThat(
              spark
                  .table(table)
                  .selectExpr("CAST(event_time AS DATE) AS day")
                  .distinct()
                  .orderBy("day")
                  .collectAsList()
                  .stream()
                  .map(row -> row.getDate(0).toString())
                  .toList())
          .as(table)
          .containsExactly("2026-11-08", "2026-11-09", "2026-11-10");
      assertThat(spark.table(table).count()).as(table).isEqualTo(9);
      // Every retained snapshot reads back: no file a snapshot needs was lost.
      for (Snapshot snapshot : LakeTables.load(spark, table).snapshots()) {
        spark.read().option("versionAsOf", snapshot.snapshotId()).table(table).count();
      }
    }
    assertThat(log).contains("cleaned " + RETAINED[0]).contains("cleaned " + RETAINED[1]);
  }

  private static AdlakeConfig load(Path home, Path configFile) {
    return ConfigLoader.load(
        new ConfigLoader.Request(
            Optional.of(home), Optional.of(configFile), Map.of(), Map.of(), home));
  }

  /** Loads every landed file of the config's feeds; none may fail. */
  private static void ingestAll(AdlakeConfig config) {
    Platform platform = TestPlatform.get();
    Ingestion.Report report =
        new Ingestion(
                platform.spark(),
                config,
                new JdbcLoadLedger(platform.metadata().dataSource()),
                LandingStores.open(config),
                line -> {})
            .run(config.feeds());
    assertThat(report.errored()).isZero();
  }

  private static long userRows(SparkSession spark, String table, String user) {
    return spark.table(table).where("user_id = '" + user + "'").count();
  }

  private static long snapshotsHolding(SparkSession spark, String table, String user) {
    List<Snapshot> snapshots = new ArrayList<>();
    LakeTables.load(spark, table).snapshots().forEach(snapshots::add);
    return snapshots.stream()
        .filter(
            snapshot ->
                spark
                        .read()
                        .option("versionAsOf", snapshot.snapshotId())
                        .table(table)
                        .where("user_id = '" + user + "'")
                        .count()
                    > 0)
        .count();
  }

  private static Process erase(Path home, Path config, String... jvmFlags) throws IOException {
    return adlake(
        home,
        "erase.log",
        List.of(jvmFlags),
        "--config",
        config.toString(),
        "erase",
        "--user",
        "cookie-u",
        "--requested-by",
        "process-test");
  }

  private static Process maintain(Path home, Path config, String... jvmFlags) throws IOException {
    return adlake(
        home,
        "maintenance.log",
        List.of(jvmFlags),
        "--config",
        config.toString(),
        "maintenance",
        "run",
        "--skip-upkeep",
        "--as-of",
        "2026-11-11");
  }

  private static Process adlake(Path home, String logFile, List<String> jvmFlags, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("--home", home.toString()));
    command.addAll(List.of(args));
    return AdlakeProcess.start(home.resolve(logFile), "1g", jvmFlags, command);
  }
}
