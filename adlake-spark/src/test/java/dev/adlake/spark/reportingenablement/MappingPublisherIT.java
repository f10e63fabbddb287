package dev.adlake.spark.reportingenablement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.spark.LakeNamespaces;
import dev.adlake.spark.Platform;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.cookiemapping.IdentityTables;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * The mapping publisher on a hand-made {@code user_ids} in its own namespace, PostgreSQL schema and
 * view namespace: nothing is touched before {@code user_ids} exists; the serving tables hold
 * exactly the ids that are not set aside, per partner and region; a rerun changes nothing; a run
 * that fails midway leaves the previous publication; a run after the mapper changed the table
 * replaces the rows and drops the tables of vanished partners and regions, and only tables the
 * index lists; the views read back through Spark SQL.
 */
class MappingPublisherIT {
  private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

  /** A table someone made by hand in the schema: its name has the publisher's prefix. */
  private static final String BY_HAND = "map_by_hand";

  @Test
  void publishesTheMappingPerPartnerAndRegionAndReplacesItAtomically() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    String suffix = Long.toString(System.nanoTime(), 36);
    IdentityTables identity = new IdentityTables("identity_it_" + suffix);
    String schema = "mapping_it_" + suffix;
    String views = "reporting_it_" + suffix;
    MappingPublisherJob job = new MappingPublisherJob(identity, schema, views);
    assertThat(job.definition().domain()).isEqualTo(Domain.REPORTING_ENABLEMENT);
    try {
      // A previous publication (one table, listed in the index), a table made by hand and a view
      // of an older query: before the mapper made its table, nothing is published or dropped.
      execute(
          platform,
          "CREATE SCHEMA " + schema,
          // The index as migration V4 makes it in the serving schema.
          "CREATE TABLE %s.%s (LIKE serving.%s INCLUDING ALL)"
              .formatted(schema, MappingTables.INDEX_TABLE, MappingTables.INDEX_TABLE),
          "CREATE TABLE %s.map_gone_eu (id TEXT PRIMARY KEY, canonical_id BIGINT NOT NULL,"
                  .formatted(schema)
              + " first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ)",
          "INSERT INTO %s.map_gone_eu VALUES ('g1', 1, '%s', '%s')".formatted(schema, T0, T0),
          "INSERT INTO %s.%s VALUES ('map_gone_eu', 'gone', 'eu', 1, NULL, NULL, now())"
              .formatted(schema, MappingTables.INDEX_TABLE),
          "CREATE TABLE %s.%s (id TEXT, canonical_id BIGINT, first_seen TIMESTAMPTZ,"
                  .formatted(schema, BY_HAND)
              + " last_seen TIMESTAMPTZ)",
          "INSERT INTO %s.%s VALUES ('h1', 1, '%s', '%s')".formatted(schema, BY_HAND, T0, T0));
      LakeNamespaces.ensure(spark, views);
      spark.sql(
          "CREATE VIEW %s.%s.mapping_eu AS SELECT 'older query' AS id"
              .formatted(LakeConfig.CATALOG_NAME, views));
      Map<String, List<String>> previous = new TreeMap<>();
      previous.put("map_gone_eu", List.of("g1 1 0 0"));
      previous.put(BY_HAND, List.of("h1 1 0 0"));
      JobResult before = run(platform, job);
      assertThat(before.figures()).containsEntry("tables_published", 0L);
      assertThat(tables(platform, schema)).isEqualTo(previous);
      assertThat(index(platform, schema)).containsExactly("map_gone_eu gone eu 1");
      assertThat(
              spark
                  .sql("SELECT id FROM %s.%s.mapping_eu".formatted(LakeConfig.CATALOG_NAME, views))
                  .first()
                  .getString(0))
          .isEqualTo("older query");

      identity.ensure(spark);
      List<Row> first =
          List.of(
              row(1, "adlake", "u1", 100, "eu", 0, 5, 1, false),
              row(2, "adlake", "u2", 200, "eu", 1, 2, 1, false),
              row(3, "dsp-one", "d1", 100, "eu", 2, 6, 1, false),
              row(4, "dsp-one", "d2", 200, "eu", 3, 3, 1, false),
              row(5, "thirdparty", "t1", 100, "eu", 4, 4, 1, false),
              // A hub: more links than the limit, its own component, never published.
              row(999, "dsp-one", "hub", 999, "eu", 0, 9, 5_000, true),
              row(6, "adlake", "u3", 300, "us-east", 1, 1, 2, false),
              row(7, "dsp-one", "d3", 300, "us-east", 2, 7, 1, false),
              row(8, "thirdparty", "t3\\x", 300, "us-east", 3, 8, 1, false));
      replace(spark, identity, first);

      JobResult published = run(platform, job);
      assertThat(published.rowsIn()).isEqualTo(9);
      assertThat(published.rowsOut()).isEqualTo(8);
      assertThat(published.figures())
          .containsEntry("tables_published", 6L)
          .containsEntry("tables_dropped", 1L)
          .containsEntry("ids_set_aside", 1L)
          .containsEntry("views_created", 1L)
          .containsEntry("views_replaced", 1L);
      Map<String, List<String>> expected = new TreeMap<>();
      expected.put(BY_HAND, List.of("h1 1 0 0"));
      expected.put("map_adlake_eu", List.of("u1 100 0 5", "u2 200 1 2"));
      expected.put("map_adlake_us_east", List.of("u3 300 1 1"));
      expected.put("map_dsp_one_eu", List.of("d1 100 2 6", "d2 200 3 3"));
      expected.put("map_dsp_one_us_east", List.of("d3 300 2 7"));
      expected.put("map_thirdparty_eu", List.of("t1 100 4 4"));
      // Ids are text as given: a backslash comes through COPY unchanged.
      expected.put("map_thirdparty_us_east", List.of("t3\\x 300 3 8"));
      assertThat(tables(platform, schema)).isEqualTo(expected);
      List<String> firstIndex =
          List.of(
              "map_adlake_eu adlake eu 2",
              "map_adlake_us_east adlake us-east 1",
              "map_dsp_one_eu dsp-one eu 2",
              "map_dsp_one_us_east dsp-one us-east 1",
              "map_thirdparty_eu thirdparty eu 1",
              "map_thirdparty_us_east thirdparty us-east 1");
      assertThat(index(platform, schema)).containsExactlyElementsOf(firstIndex);
      List<String> keys =
          expected.keySet().stream()
              .filter(table -> !table.equals(BY_HAND))
              .map(table -> table + "_pkey")
              .toList();
      assertThat(primaryKeys(platform, schema)).containsExactlyInAnyOrderElementsOf(keys);
      assertThat(view(spark, views, "mapping_eu"))
          .containsExactly(
              "adlake u1 100",
              "adlake u2 200",
              "dsp-one d1 100",
              "dsp-one d2 200",
              "thirdparty t1 100");
      assertThat(view(spark, views, "mapping_us_east"))
          .containsExactly("adlake u3 300", "dsp-one d3 300", "thirdparty t3\\x 300");

      // A rerun on the same snapshot gives the same tables and leaves the views as they are.
      JobResult rerun = run(platform, job);
      assertThat(tables(platform, schema)).isEqualTo(expected);
      assertThat(rerun.figures())
          .containsEntry("tables_published", 6L)
          .containsEntry("tables_dropped", 0L)
          .containsEntry("views_created", 0L)
          .containsEntry("views_replaced", 0L)
          .containsEntry("views_dropped", 0L);

      // The mapper's next run: thirdparty is gone, d2 joined user 100, d4 is new, u3 became a
      // hub (so adlake has no id left in us-east), and a new region appears.
      List<Row> second =
          List.of(
              row(1, "adlake", "u1", 100, "eu", 0, 10, 1, false),
              row(2, "adlake", "u2", 200, "eu", 1, 2, 1, false),
              row(3, "dsp-one", "d1", 100, "eu", 2, 6, 1, false),
              row(4, "dsp-one", "d2", 100, "eu", 3, 11, 2, false),
              row(9, "dsp-one", "d4", 200, "eu", 10, 10, 1, false),
              row(999, "dsp-one", "hub", 999, "eu", 0, 9, 6_000, true),
              row(6, "adlake", "u3", 6, "us-east", 1, 12, 5_000, true),
              row(7, "dsp-one", "d3", 300, "us-east", 2, 7, 1, false),
              row(10, "adlake", "u5", 500, "ap-south", 12, 12, 1, false));
      replace(spark, identity, second);

      // A run that fails midway, at its second table's load, changes nothing readers see.
      String blocker = "mapping_load_1";
      execute(platform, "CREATE TABLE %s.%s (id TEXT)".formatted(schema, blocker));
      assertThatThrownBy(() -> run(platform, job))
          .isInstanceOf(ExternalFailureException.class)
          .hasMessageStartingWith(
              "Cannot publish 4 mapping table(s) to schema %s: ".formatted(schema))
          .hasMessageContaining("\"%s\" already exists".formatted(blocker));
      execute(platform, "DROP TABLE %s.%s".formatted(schema, blocker));
      assertThat(tables(platform, schema)).isEqualTo(expected);
      assertThat(index(platform, schema)).containsExactlyElementsOf(firstIndex);
      assertThat(primaryKeys(platform, schema)).containsExactlyInAnyOrderElementsOf(keys);
      assertThat(spark.sql("SHOW VIEWS IN %s.%s".formatted(LakeConfig.CATALOG_NAME, views)).count())
          .isEqualTo(2);

      JobResult replacedRun = run(platform, job);
      assertThat(replacedRun.figures())
          .containsEntry("tables_published", 4L)
          .containsEntry("tables_dropped", 3L)
          .containsEntry("ids_set_aside", 2L)
          .containsEntry("views_created", 1L)
          .containsEntry("views_dropped", 0L);
      Map<String, List<String>> replaced = new TreeMap<>();
      replaced.put(BY_HAND, List.of("h1 1 0 0"));
      replaced.put("map_adlake_ap_south", List.of("u5 500 12 12"));
      replaced.put("map_adlake_eu", List.of("u1 100 0 10", "u2 200 1 2"));
      replaced.put("map_dsp_one_eu", List.of("d1 100 2 6", "d2 100 3 11", "d4 200 10 10"));
      replaced.put("map_dsp_one_us_east", List.of("d3 300 2 7"));
      assertThat(tables(platform, schema)).isEqualTo(replaced);
      assertThat(index(platform, schema))
          .containsExactly(
              "map_adlake_ap_south adlake ap-south 1",
              "map_adlake_eu adlake eu 2",
              "map_dsp_one_eu dsp-one eu 3",
              "map_dsp_one_us_east dsp-one us-east 1");
      assertThat(view(spark, views, "mapping_us_east")).containsExactly("dsp-one d3 300");
      assertThat(view(spark, views, "mapping_ap_south")).containsExactly("adlake u5 500");

      // An empty graph publishes nothing: every table and view of the mapping goes, the table
      // made by hand stays.
      spark.sql("DELETE FROM " + identity.userIds());
      JobResult emptied = run(platform, job);
      assertThat(emptied.figures())
          .containsEntry("tables_published", 0L)
          .containsEntry("tables_dropped", 4L)
          .containsEntry("views_dropped", 3L);
      assertThat(tables(platform, schema)).containsOnlyKeys(BY_HAND);
      assertThat(index(platform, schema)).isEmpty();
      assertThat(spark.sql("SHOW VIEWS IN %s.%s".formatted(LakeConfig.CATALOG_NAME, views)).count())
          .isZero();
    } finally {
      execute(platform, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      for (Row view :
          spark
              .sql("SHOW VIEWS IN %s.%s".formatted(LakeConfig.CATALOG_NAME, views))
              .collectAsList()) {
        spark.sql(
            "DROP VIEW %s.%s.%s".formatted(LakeConfig.CATALOG_NAME, views, view.getString(1)));
      }
      spark.sql("DROP TABLE IF EXISTS " + identity.userIds());
      spark.sql("DROP TABLE IF EXISTS " + identity.edges());
      spark.sql("DROP NAMESPACE IF EXISTS " + identity.namespace());
      spark.sql("DROP NAMESPACE IF EXISTS " + views);
    }
  }

  private static JobResult run(Platform platform, MappingPublisherJob job) {
    long runId = platform.runs().start(job.definition(), Map.of());
    return job.run(
        new SparkJobContext(
            platform.spark(),
            platform.config(),
            platform.metadata(),
            platform::kafkaBootstrapServers,
            platform.tables(),
            runId,
            line -> {}),
        JobParameters.resolve(job.definition(), Map.of()));
  }

  private static void execute(Platform platform, String... statements) throws SQLException {
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** A row of user_ids; first and last seen in hours after {@link #T0}. */
  private static Row row(
      long nodeId,
      String partner,
      String id,
      long canonicalId,
      String region,
      int firstSeen,
      int lastSeen,
      int links,
      boolean setAside) {
    return RowFactory.create(
        nodeId,
        partner,
        id,
        canonicalId,
        region,
        Timestamp.from(T0.plusSeconds(3600L * firstSeen)),
        Timestamp.from(T0.plusSeconds(3600L * lastSeen)),
        links,
        setAside);
  }

  private static void replace(SparkSession spark, IdentityTables identity, List<Row> rows)
      throws Exception {
    spark
        .createDataFrame(rows, IdentityTables.USER_IDS_SCHEMA)
        .writeTo(identity.userIds())
        .overwrite(functions.lit(true));
  }

  /** Every table of the schema but the index: its rows as "id canonical_id first last", by id. */
  private static Map<String, List<String>> tables(Platform platform, String schema)
      throws SQLException {
    Map<String, List<String>> tables = new TreeMap<>();
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT tablename FROM pg_tables WHERE schemaname = '%s' AND tablename <> '%s'"
                  .formatted(schema, MappingTables.INDEX_TABLE))) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
      for (String name : names) {
        List<String> content = new ArrayList<>();
        try (ResultSet rows =
            statement.executeQuery(
                "SELECT id, canonical_id, first_seen, last_seen FROM %s.%s ORDER BY id"
                    .formatted(schema, name))) {
          while (rows.next()) {
            content.add(
                "%s %d %d %d"
                    .formatted(
                        rows.getString(1),
                        rows.getLong(2),
                        hours(rows.getObject(3, OffsetDateTime.class)),
                        hours(rows.getObject(4, OffsetDateTime.class))));
          }
        }
        tables.put(name, content);
      }
    }
    return tables;
  }

  private static long hours(OffsetDateTime time) {
    return (time.toInstant().getEpochSecond() - T0.getEpochSecond()) / 3600;
  }

  /** The index table's rows as "table partner region rows", by table. */
  private static List<String> index(Platform platform, String schema) throws SQLException {
    List<String> index = new ArrayList<>();
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT table_name, partner, region, row_count FROM %s.%s ORDER BY table_name"
                    .formatted(schema, MappingTables.INDEX_TABLE))) {
      while (rows.next()) {
        index.add(
            "%s %s %s %d"
                .formatted(
                    rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4)));
      }
    }
    return index;
  }

  /** The primary key constraints of the map_* tables. */
  private static List<String> primaryKeys(Platform platform, String schema) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                ("SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN"
                        + " pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = '%s' AND"
                        + " c.contype = 'p' AND t.relname LIKE 'map\\_%%'")
                    .formatted(schema))) {
      while (rows.next()) {
        keys.add(rows.getString(1));
      }
    }
    return keys;
  }

  /** A view's rows as "partner id canonical_id", read through Spark SQL. */
  private static List<String> view(SparkSession spark, String namespace, String view) {
    return spark
        .sql(
            "SELECT partner, id, canonical_id FROM %s.%s.%s ORDER BY partner, id"
                .formatted(LakeConfig.CATALOG_NAME, namespace, view))
        .collectAsList()
        .stream()
        .map(row -> "%s %s %d".formatted(row.getString(0), row.getString(1), row.getLong(2)))
        .toList();
  }
}
