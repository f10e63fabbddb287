package dev.adlake.spark.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.ConflictException;
import dev.adlake.core.Folders;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.common.PseudonymGenerations;
import dev.adlake.spark.common.PseudonymKey;
import dev.adlake.spark.common.Pseudonymizer;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.cookiemapping.UserIdsMapperJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Rotation of the pseudonym key on the shared platform's real services: events, mappings and the
 * identity graph written under the first key are rewritten to the new ring, rows from before and
 * after the rotation join (the same id, one pseudonym; a partner id seen after the rotation lands
 * in the component of one seen before), no retained snapshot keeps an old pseudonym, a running
 * writer and a graph behind its input are refused, nothing pseudonymises while a rotation is under
 * way, and a rotation interrupted after its first table ends without applying the key twice.
 */
class PseudonymRotationIT {
  private static final String KEY = "rotation-it-pseudonym-key-0123456789";
  private static final String NS = "rotation_it";
  private static final String EVENTS = NS + ".events";
  private static final String MAPPINGS = NS + ".mappings";
  private static final IdentityTables IDENTITY = new IdentityTables(NS + "_identity");
  private static final String WRITER = "rotation-it-writer";

  @Test
  void storedPseudonymsFollowTheNewKeyAndJoinAcrossTheRotation() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    Path home = platform.config().home().resolve("rotation-it");
    Folders.delete(home);
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(home),
                Optional.empty(),
                Map.of(),
                Map.of("enrich.pseudonym-key", KEY, "enrich.pseudonymize-user-ids", "true"),
                home));
    TableCatalog catalog = new TableCatalog().addAll(IDENTITY.definitions());
    catalog.add(lake(EVENTS, UserColumn.pseudonym("user_id")));
    catalog.add(lake(MAPPINGS, UserColumn.id("partner_id"), UserColumn.pseudonym("user_id")));

    Pseudonymizer first = PseudonymKey.pseudonymizer(config);
    assertThat(first.generation()).isEqualTo(1);
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + NS);
    spark.sql("CREATE TABLE %s (user_id STRING, v INT) USING iceberg".formatted(EVENTS));
    spark.sql(
        ("CREATE TABLE %s (partner STRING, partner_id STRING, user_id STRING, region STRING,"
                + " event_time TIMESTAMP) USING iceberg")
            .formatted(MAPPINGS));
    insertEvents(spark, first, "cookie-a", 1, "cookie-b", 2, "cookie-a", 3, null, 4);
    insertMappings(spark, first, "tt", "tt-a", "cookie-a", "tt", "tt-b", "cookie-b");
    UserIdsMapperJob mapper =
        new UserIdsMapperJob(List.of(UserIdsMapperJob.MappingInput.enriched(MAPPINGS)), IDENTITY);
    mapper.run(spark, false, 50);
    assertThat(canonicalOf(spark, "tt", "tt-a")).isNotEqualTo(canonicalOf(spark, "tt", "tt-b"));

    // A dry run says what it would rewrite and changes nothing.
    JobResult planned = rotate(platform, config, catalog, true);
    assertThat(planned.figures()).containsEntry("generation", 2L);
    assertThat(planned.figures().get("rows_planned")).isEqualTo(4 + 2 + 2 + 4L);
    assertThat(Files.exists(PseudonymKey.pendingRotationFile(config))).isFalse();
    assertThat(PseudonymKey.ring(config)).hasSize(1);

    // A writer of the tables running: refused, naming it.
    JdbcLocks locks = new JdbcLocks(platform.metadata().dataSource());
    try (JdbcLocks.Lock running = locks.tryLock(JobRunner.lockGroup(WRITER), 0).orElseThrow()) {
      assertThatThrownBy(() -> rotate(platform, config, catalog, false))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining(WRITER + " is running");
    }
    // The graph behind its input: refused, since no incremental run reads across the rewrite.
    insertMappings(spark, first, "tt", "tt-c", "cookie-c");
    assertThatThrownBy(() -> rotate(platform, config, catalog, false))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("has not read all of " + MAPPINGS);
    mapper.run(spark, false, 50);

    JobResult rotated = rotate(platform, config, catalog, false);
    assertThat(rotated.figures()).containsEntry("generation", 2L);
    assertThat(rotated.figures()).containsEntry("tables", 4L);
    Pseudonymizer second = PseudonymKey.pseudonymizer(config);
    assertThat(second.generation()).isEqualTo(2);
    assertThat(Files.exists(PseudonymKey.pendingRotationFile(config))).isFalse();
    assertThat(second.pseudonymize("cookie-a")).isNotEqualTo(first.pseudonymize("cookie-a"));

    // Every stored pseudonym is the new ring's for the same id; nulls stay null.
    assertThat(values(spark, EVENTS, "user_id"))
        .containsExactlyInAnyOrder(
            second.pseudonymize("cookie-a"),
            second.pseudonymize("cookie-b"),
            second.pseudonymize("cookie-a"),
            null);
    assertThat(values(spark, MAPPINGS, "user_id"))
        .containsExactlyInAnyOrder(
            second.pseudonymize("cookie-a"),
            second.pseudonymize("cookie-b"),
            second.pseudonymize("cookie-c"));
    assertThat(values(spark, IDENTITY.userIds(), "id"))
        .contains(second.pseudonymize("cookie-a"), "tt-a")
        .doesNotContain(first.pseudonymize("cookie-a"));
    // The components are the same: our id's node follows its new pseudonym, with its partner ids.
    long canonicalA = canonicalOf(spark, "tt", "tt-a");
    assertThat(canonicalOf(spark, "adlake", second.pseudonymize("cookie-a"))).isEqualTo(canonicalA);
    assertThat(canonicalOf(spark, "tt", "tt-b")).isNotEqualTo(canonicalA);
    assertThat(
            spark
                .table(IDENTITY.edges())
                .where(functions.col("src").geq(functions.col("dst")))
                .count())
        .as("links keep the smaller node first")
        .isZero();
    // No retained snapshot holds an old pseudonym.
    for (String table : List.of(EVENTS, MAPPINGS, IDENTITY.userIds(), IDENTITY.edges())) {
      List<Snapshot> snapshots = new ArrayList<>();
      LakeTables.load(spark, table).snapshots().forEach(snapshots::add);
      assertThat(snapshots).as(table).hasSize(1);
    }

    // After the rotation: new rows under the new ring join the old ones.
    insertEvents(spark, second, "cookie-a", 5);
    insertMappings(spark, second, "st", "st-a", "cookie-a");
    mapper.run(spark, false, 50);
    assertThat(canonicalOf(spark, "st", "st-a")).isEqualTo(canonicalOf(spark, "tt", "tt-a"));
    assertThat(spark.table(IDENTITY.userIds()).count()).isEqualTo(7);
    assertThat(
            spark
                .table(EVENTS)
                .where(functions.col("user_id").equalTo(second.pseudonymize("cookie-a")))
                .count())
        .isEqualTo(3);

    // A rotation interrupted after its first table: nothing pseudonymises meanwhile, and the
    // rerun rewrites the rest only, with the key applied once.
    String third = PseudonymKey.beginRotation(config);
    assertThatThrownBy(() -> PseudonymKey.pseudonymizer(config))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("rotation of the pseudonym key is under way");
    Pseudonymizer layer = new Pseudonymizer(third);
    var wrap =
        functions.udf(
            (org.apache.spark.sql.api.java.UDF1<String, String>) layer::pseudonymize,
            org.apache.spark.sql.types.DataTypes.StringType);
    LakeTables.replaceAll(
        spark.table(EVENTS).withColumn("user_id", wrap.apply(functions.col("user_id"))),
        EVENTS,
        PseudonymGenerations.summary(3));
    JobResult resumed = rotate(platform, config, catalog, false);
    assertThat(resumed.figures()).containsEntry("generation", 3L);
    Pseudonymizer thirdRing = PseudonymKey.pseudonymizer(config);
    assertThat(thirdRing.generation()).isEqualTo(3);
    assertThat(PseudonymKey.ring(config)).hasSize(3).endsWith(third);
    assertThat(values(spark, EVENTS, "user_id"))
        .containsOnly(thirdRing.pseudonymize("cookie-a"), thirdRing.pseudonymize("cookie-b"), null)
        .hasSize(5);
    assertThat(new HashSet<>(values(spark, MAPPINGS, "user_id")))
        .isEqualTo(
            Set.of(
                thirdRing.pseudonymize("cookie-a"),
                thirdRing.pseudonymize("cookie-b"),
                thirdRing.pseudonymize("cookie-c")));
    assertThat(canonicalOf(spark, "adlake", thirdRing.pseudonymize("cookie-a")))
        .isEqualTo(canonicalOf(spark, "st", "st-a"));
  }

  private static long canonicalOf(SparkSession spark, String partner, String id) {
    List<Row> rows =
        spark
            .table(IDENTITY.userIds())
            .where(functions.col("partner").equalTo(partner).and(functions.col("id").equalTo(id)))
            .select("canonical_id")
            .collectAsList();
    assertThat(rows).as("%s/%s in the graph", partner, id).hasSize(1);
    return rows.get(0).getLong(0);
  }

  private static List<String> values(SparkSession spark, String table, String column) {
    List<String> values = new ArrayList<>();
    spark.table(table).select(column).collectAsList().forEach(row -> values.add(row.getString(0)));
    return values;
  }

  /** Events of (id, value) pairs, the ids pseudonymised as the enricher does. */
  private static void insertEvents(SparkSession spark, Pseudonymizer ring, Object... pairs) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      String id = (String) pairs[i];
      rows.add(
          "(%s, %d)"
              .formatted(id == null ? "NULL" : "'" + ring.pseudonymize(id) + "'", pairs[i + 1]));
    }
    spark.sql("INSERT INTO %s VALUES %s".formatted(EVENTS, String.join(", ", rows)));
  }

  /** Cookie-sync mappings of (partner, partner id, our id) triples, our id pseudonymised. */
  private static void insertMappings(SparkSession spark, Pseudonymizer ring, String... triples) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < triples.length; i += 3) {
      rows.add(
          "('%s', '%s', '%s', 'eu', TIMESTAMP '2026-11-01 00:00:00')"
              .formatted(triples[i], triples[i + 1], ring.pseudonymize(triples[i + 2])));
    }
    spark.sql("INSERT INTO %s VALUES %s".formatted(MAPPINGS, String.join(", ", rows)));
  }

  private static TableDefinition lake(String name, UserColumn... columns) {
    TableDefinition table =
        TableDefinition.lake(name, Domain.INGESTION, "test", List.<TableColumn>of());
    for (UserColumn column : columns) {
      table = table.withUserColumn(column);
    }
    return table;
  }

  private static JobResult rotate(
      Platform platform, AdlakeConfig config, TableCatalog catalog, boolean dryRun) {
    PseudonymRotationJob job = new PseudonymRotationJob(IDENTITY);
    Map<String, String> given = new LinkedHashMap<>();
    given.put(PseudonymRotationJob.DRY_RUN.name(), Boolean.toString(dryRun));
    long runId = platform.runs().start(job.definition(), given);
    return job.rotate(
        new SparkJobContext(
            platform.spark(),
            config,
            platform.metadata(),
            platform::kafkaBootstrapServers,
            catalog,
            runId,
            line -> {}),
        JobParameters.resolve(job.definition(), given),
        List.of(WRITER));
  }
}
