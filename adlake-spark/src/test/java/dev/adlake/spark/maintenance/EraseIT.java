package dev.adlake.spark.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.metadata.JdbcErasures;
import dev.adlake.core.table.ServingTables;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.common.Pseudonymizer;
import dev.adlake.spark.cookiemapping.IdentityTables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Erasure of a user with ids at two partners, on the shared platform's real services: asked by one
 * partner id, every row of the user goes from every table holding user-level data (pseudonymised
 * events, raw events, a partner's mapping file, the identity graph's ids and links, rejected lines,
 * the serving store) and from every retained snapshot; nobody else's rows change.
 */
class EraseIT {
  private static final String KEY = "erase-it-pseudonym-key-0123456789abcdef";
  private static final String NS = "erase_it";
  private static final IdentityTables IDENTITY = new IdentityTables(NS);

  @Test
  void aUserIsErasedEverywhereAndFromEveryRetainedSnapshotAndNobodyElse() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    Pseudonymizer pseudonyms = new Pseudonymizer(KEY);
    String u = pseudonyms.pseudonymize("cookie-u");
    String v = pseudonyms.pseudonymize("cookie-v");

    IDENTITY.ensure(spark);
    spark.sql(
        ("INSERT INTO %s VALUES (1, 'our', '%s', 100, 'eu', TIMESTAMP '2026-11-01 00:00:00',"
                + " TIMESTAMP '2026-11-02 00:00:00', 2, false), (2, 'tt', 'tt-u1', 100, 'eu',"
                + " TIMESTAMP '2026-11-01 00:00:00', TIMESTAMP '2026-11-02 00:00:00', 1, false),"
                + " (3, 'st', 'st-u2', 100, 'eu', TIMESTAMP '2026-11-01 00:00:00', TIMESTAMP"
                + " '2026-11-02 00:00:00', 1, false), (4, 'our', '%s', 200, 'eu', TIMESTAMP"
                + " '2026-11-01 00:00:00', TIMESTAMP '2026-11-02 00:00:00', 1, false), (5, 'tt',"
                + " 'tt-v1', 200, 'eu', TIMESTAMP '2026-11-01 00:00:00', TIMESTAMP '2026-11-02"
                + " 00:00:00', 1, false)")
            .formatted(IDENTITY.userIds(), u, v));
    spark.sql(
        ("INSERT INTO %s VALUES (1, 2, TIMESTAMP '2026-11-01 00:00:00'), (1, 3, TIMESTAMP"
                + " '2026-11-01 00:00:00'), (4, 5, TIMESTAMP '2026-11-01 00:00:00')")
            .formatted(IDENTITY.edges()));
    spark.sql("CREATE TABLE %s.events (user_id STRING, v INT) USING iceberg".formatted(NS));
    for (int commit = 0; commit < 3; commit++) {
      spark.sql(
          "INSERT INTO %s.events VALUES ('%s', %d), ('%s', %d)"
              .formatted(NS, u, commit, v, commit));
    }
    spark.sql(
        "CREATE TABLE %s.partner_mappings (partner_id STRING, user_id STRING) USING iceberg"
            .formatted(NS));
    spark.sql(
        "INSERT INTO %s.partner_mappings VALUES ('tt-u1', 'cookie-u'), ('tt-v1', 'cookie-v')"
            .formatted(NS));
    spark.sql("CREATE TABLE %s.raw_events (user_id STRING, v INT) USING iceberg".formatted(NS));
    spark.sql(
        "INSERT INTO %s.raw_events VALUES ('cookie-u', 1), ('cookie-v', 2), ('cookie-u', 3)"
            .formatted(NS));
    spark.sql("INSERT INTO %s.raw_events VALUES ('cookie-v', 4)".formatted(NS));
    spark.sql("CREATE TABLE %s.raw_events__rejects (raw_line STRING) USING iceberg".formatted(NS));
    spark.sql(
        "INSERT INTO %s.raw_events__rejects VALUES ('x\\tcookie-u\\tbad'), ('y\\tcookie-v\\tbad')"
            .formatted(NS));
    LocalDateTime hour = LocalDateTime.of(2026, 11, 1, 5, 0);
    try (Connection connection = platform.metadata().dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO serving.users (ad_id, hour, user_id) VALUES (990002, ?, ?)")) {
      for (String user : List.of("cookie-u", "cookie-v")) {
        insert.setObject(1, hour);
        insert.setString(2, user);
        insert.addBatch();
      }
      insert.executeBatch();
    }

    TableCatalog catalog = new TableCatalog().addAll(IDENTITY.definitions());
    catalog.add(lake(NS + ".events", UserColumn.id("user_id")));
    catalog.add(
        lake(NS + ".partner_mappings", UserColumn.id("partner_id"), UserColumn.id("user_id")));
    catalog.add(lake(NS + ".raw_events", UserColumn.id("user_id")));
    catalog.add(
        lake(NS + ".raw_events__rejects", new UserColumn("raw_line", UserColumn.Match.CONTAINS)));
    ServingTables.all().stream()
        .filter(table -> table.name().equals(ServingTables.USERS))
        .forEach(catalog::add);

    Path root = platform.config().home().resolve("erase-it");
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(platform.config().home()),
                Optional.empty(),
                Map.of(),
                Map.of("enrich.pseudonym-key", KEY, "enrich.pseudonymize-user-ids", "true"),
                root));

    // A dry run names every table of the user and changes nothing.
    JobResult planned = run(platform, config, catalog, "user", "tt-u1", "dry-run", "true");
    // Ids: tt-u1, st-u2, cookie-u (from the partner's file), as sent and pseudonymised.
    assertThat(planned.figures().get("ids")).isEqualTo(7L);
    // Graph ids 3, links 2, events 3, partner mapping 1, raw events 2, rejects 1, serving 1.
    long userRows = 3 + 2 + 3 + 1 + 2 + 1 + 1;
    assertThat(planned.figures()).containsEntry("rows_removed", (long) userRows);
    assertThat(count(spark, NS + ".events", "1 = 1")).isEqualTo(6);

    JobResult erased =
        run(platform, config, catalog, "user", "tt-u1", "requested-by", "ticket-4711");
    assertThat(erased.figures()).containsEntry("rows_removed", (long) userRows);
    assertThat(erased.figures()).containsEntry("tables", 7L);

    // The user is nowhere, in no retained snapshot; everybody else is untouched.
    Map<String, String> userRowsWhere = new LinkedHashMap<>();
    userRowsWhere.put(IDENTITY.userIds(), "canonical_id = 100");
    userRowsWhere.put(IDENTITY.edges(), "src IN (1, 2, 3) OR dst IN (1, 2, 3)");
    userRowsWhere.put(NS + ".events", "user_id = '%s'".formatted(u));
    userRowsWhere.put(NS + ".partner_mappings", "partner_id = 'tt-u1'");
    userRowsWhere.put(NS + ".raw_events", "user_id = 'cookie-u'");
    userRowsWhere.put(NS + ".raw_events__rejects", "raw_line LIKE '%cookie-u%'");
    Map<String, Long> othersLeft =
        Map.of(
            IDENTITY.userIds(),
            2L,
            IDENTITY.edges(),
            1L,
            NS + ".events",
            3L,
            NS + ".partner_mappings",
            1L,
            NS + ".raw_events",
            2L,
            NS + ".raw_events__rejects",
            1L);
    for (Map.Entry<String, String> table : userRowsWhere.entrySet()) {
      List<Snapshot> snapshots = new ArrayList<>();
      LakeTables.load(spark, table.getKey()).snapshots().forEach(snapshots::add);
      assertThat(snapshots).as(table.getKey()).hasSize(1);
      for (Snapshot snapshot : snapshots) {
        assertThat(
                spark
                    .read()
                    .option("versionAsOf", snapshot.snapshotId())
                    .table(table.getKey())
                    .where(table.getValue())
                    .count())
            .as(table.getKey())
            .isZero();
      }
      assertThat(spark.table(table.getKey()).count())
          .as(table.getKey())
          .isEqualTo(othersLeft.get(table.getKey()));
    }
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT user_id FROM serving.users WHERE ad_id = 990002 ORDER BY 1")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("cookie-v");
      assertThat(rows.next()).isFalse();
    }
    JdbcErasures.Erasure record =
        new JdbcErasures(platform.metadata().dataSource()).recent(1).get(0);
    assertThat(record.status()).isEqualTo("erased");
    assertThat(record.subject()).isEqualTo("tt-u1");
    assertThat(record.requestedBy()).isEqualTo("ticket-4711");
    assertThat(record.ids()).contains("tt-u1", "st-u2", "cookie-u", u);
    assertThat(record.rowsRemoved()).containsEntry(NS + ".events", 3L);
    assertThat(record.proof().values()).allMatch(text -> text.startsWith("0 rows"));

    // Erased again, by another of the user's ids: nothing left, proven again.
    JobResult again = run(platform, config, catalog, "user", "cookie-u");
    assertThat(again.figures()).containsEntry("rows_removed", 0L);
  }

  private static TableDefinition lake(String name, UserColumn... columns) {
    TableDefinition table =
        TableDefinition.lake(name, Domain.INGESTION, "test", List.<TableColumn>of());
    for (UserColumn column : columns) {
      table = table.withUserColumn(column);
    }
    return table;
  }

  private static long count(SparkSession spark, String table, String where) {
    return spark.table(table).where(where).count();
  }

  private static JobResult run(
      Platform platform, AdlakeConfig config, TableCatalog catalog, String... parameters) {
    EraseJob job = new EraseJob(IDENTITY);
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
}
