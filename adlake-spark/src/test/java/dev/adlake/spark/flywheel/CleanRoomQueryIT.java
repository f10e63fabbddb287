package dev.adlake.spark.flywheel;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.generator.flywheel.FlywheelGenerator;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.flywheel.report.Collaboration;
import dev.adlake.spark.flywheel.report.CollaborationSources;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The clean-room query runner over a small generated flywheel: the clean room's pipeline builds the
 * bucketed tables, the generated collaboration configures them, and each answer is checked against
 * the same figures computed here on the catalog tables, apart from the runner.
 */
class CleanRoomQueryIT {
  private static final int CUSTOMERS = 2_000;
  private static final String IBE_01 = "lake.cleanroom.bucketed_ibe_01";
  private static final String IBE_04 = "lake.cleanroom.bucketed_ibe_04";

  private static SparkSession spark;
  private static CleanRoomQuery query;

  @BeforeAll
  static void buildTheCleanRoom() {
    Platform platform = TestPlatform.get();
    spark = platform.spark();
    FlywheelConfig config = FlywheelConfig.of(platform.config());
    Path root = Path.of(config.root());
    FlywheelGenerator.generate(7L, root, root.resolveSibling("flywheel-expected"), CUSTOMERS);
    PipelineExecutor.Result built =
        platform
            .pipelineExecutor()
            .run(
                platform.pipeline().select(Optional.empty(), Optional.of(Domain.CLEAN_ROOM)),
                "test",
                Instant.now(),
                Map.of(
                    SplitAndBucketJob.INFOBASE,
                    Map.of("bucket-count", "4"),
                    SplitAndBucketJob.ADDRESSABLE,
                    Map.of("bucket-count", "4"),
                    BucketedTablesJob.NAME,
                    Map.of("bucket-count", "4", "hive-files", "false"),
                    ErTablesJob.NAME,
                    Map.of("bucket-count", "4")),
                new PipelineExecutor.Listener() {});
    assertThat(built.failed()).isEmpty();
    Collaboration collaboration =
        CollaborationSources.load(config, spark.sparkContext().hadoopConfiguration());
    query = new CleanRoomQuery(spark, collaboration, FlywheelLayout.CLEANROOM);
  }

  @Test
  void anAllowedAggregateQueryReturnsEachGroupsUsersAndAverage() {
    CleanRoomQuery.Result result =
        query.run(
            "SELECT age_range, COUNT(DISTINCT customer_user_id) AS users,"
                + " AVG(household_size) AS size FROM part_ibe_01 WHERE gender = 'F'"
                + " GROUP BY age_range ORDER BY age_range");

    List<Row> truth =
        spark
            .table(IBE_01)
            .filter(col("gender").equalTo("F"))
            .groupBy("age_range")
            .agg(count_distinct(col("customer_user_id")), avg(col("household_size").cast("double")))
            .orderBy("age_range")
            .collectAsList();
    assertThat(truth).hasSize(6).allMatch(row -> row.getLong(1) >= FlywheelGenerator.MINIMUM_USERS);
    assertThat(result.columns()).containsExactly("age_range", "users", "size");
    assertThat(result.groupsRefused()).isZero();
    assertThat(result.refusal()).isEmpty();
    assertThat(result.rows()).hasSize(truth.size());
    for (int i = 0; i < truth.size(); i++) {
      List<Object> row = result.rows().get(i);
      assertThat(row.get(0)).isEqualTo(truth.get(i).getString(0));
      assertThat(row.get(1)).isEqualTo(truth.get(i).getLong(1));
      assertThat(((Number) row.get(2)).doubleValue())
          .isCloseTo(truth.get(i).getDouble(2), org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(result.render())
        .startsWith("age_range | users |")
        .containsPattern("\n-{10}\\+-{7}\\+-+\n")
        .contains("\n18-24     | %5d | ".formatted(truth.get(0).getLong(1)))
        .endsWith("6 rows shown; 0 groups held back by the aggregation threshold\n");
  }

  @Test
  void aGroupWithFewerUsersThanTheThresholdIsHeldBackAndCounted() {
    CleanRoomQuery.Result result =
        query.run(
            "SELECT age_range, income_band, COUNT(DISTINCT customer_user_id) AS users"
                + " FROM part_ibe_01 GROUP BY age_range, income_band");

    Map<List<Object>, Long> users = new HashMap<>();
    for (Row row :
        spark
            .table(IBE_01)
            .groupBy("age_range", "income_band")
            .agg(count_distinct(col("customer_user_id")))
            .collectAsList()) {
      users.put(List.of(row.getString(0), row.getString(1)), row.getLong(2));
    }
    long small = users.values().stream().filter(n -> n < FlywheelGenerator.MINIMUM_USERS).count();
    // The test means something only if some groups pass and some do not.
    assertThat(small).isPositive().isLessThan(users.size());
    assertThat(result.groupsRefused()).isEqualTo(small);
    assertThat(result.rows()).hasSize(users.size() - (int) small);
    for (List<Object> row : result.rows()) {
      Long expected = users.get(List.of(row.get(0), row.get(1)));
      assertThat(expected).isGreaterThanOrEqualTo(FlywheelGenerator.MINIMUM_USERS);
      assertThat(row.get(2)).isEqualTo(expected);
    }
    assertThat(result.refusal())
        .contains(
            "a group needs at least %d distinct customer_user_id of part_ibe_01"
                .formatted(FlywheelGenerator.MINIMUM_USERS));
    assertThat(result.render())
        .contains(
            "%d groups held back by the aggregation threshold (a group needs at least %d"
                .formatted(small, FlywheelGenerator.MINIMUM_USERS));
  }

  @Test
  void aJoinOnTheJoinColumnHoldsBackGroupsBelowEitherTablesThreshold() {
    CleanRoomQuery.Result result =
        query.run(
            "SELECT a.age_range, b.pet_owner, COUNT(DISTINCT a.customer_user_id)"
                + " FROM part_ibe_01 a JOIN part_ibe_04 b ON a.customer_user_id = b.customer_user_id"
                + " WHERE a.income_band IN ('A', 'B') GROUP BY a.age_range, b.pet_owner"
                + " ORDER BY 3 DESC LIMIT 5");

    Dataset<Row> joined =
        spark
            .table(IBE_01)
            .filter(col("income_band").isin("A", "B"))
            .join(spark.table(IBE_04).select("customer_user_id", "pet_owner"), "customer_user_id")
            .groupBy("age_range", "pet_owner")
            .agg(count_distinct(col("customer_user_id")).as("users"));
    List<Row> shown =
        joined
            .filter(col("users").geq(FlywheelGenerator.MINIMUM_USERS))
            .orderBy(col("users").desc())
            .collectAsList();
    long small = joined.count() - shown.size();
    assertThat(small).isPositive();
    assertThat(result.groupsRefused()).isEqualTo(small);
    assertThat(result.rows()).hasSize(Math.min(5, shown.size()));
    assertThat(result.rows().stream().map(row -> (Long) row.get(2)).toList())
        .containsExactlyElementsOf(shown.stream().limit(5).map(row -> row.getLong(2)).toList());
    assertThat(result.refusal().orElseThrow())
        .contains("of part_ibe_01 (a) and at least")
        .contains("of part_ibe_04 (b)");
  }

  @Test
  void aColumnTheRuleDoesNotAllowIsRefusedByName() {
    assertThatThrownBy(
            () ->
                query.run(
                    "SELECT age_range, COUNT(DISTINCT household_size) FROM part_ibe_01"
                        + " GROUP BY age_range"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessage(
            "Query refused: COUNT(DISTINCT household_size): the aggregation rule of part_ibe_01"
                + " does not allow COUNT_DISTINCT of column household_size (COUNT_DISTINCT is"
                + " allowed of customer_user_id)");
    assertThatThrownBy(
            () ->
                query.run(
                    "SELECT age_range, AVG(household_size) FROM part_ibe_01"
                        + " WHERE household_size > 3 GROUP BY age_range"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessageStartingWith(
            "Query refused: column household_size of part_ibe_01 is not a dimension column of the"
                + " aggregation rule of part_ibe_01, so it cannot be used in WHERE");
    assertThatThrownBy(
            () ->
                query.run(
                    "SELECT a.age_range, COUNT(DISTINCT a.customer_user_id) FROM part_ibe_01 a"
                        + " JOIN part_ibe_04 b ON a.age_range = b.pet_owner GROUP BY a.age_range"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessage(
            "Query refused: column age_range of part_ibe_01 (a) is not a join column of the"
                + " aggregation rule of part_ibe_01 (join columns: customer_user_id)");
  }

  @Test
  void selectStarIsRefused() {
    assertThatThrownBy(() -> query.run("SELECT * FROM part_ibe_01"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessageStartingWith("Query refused: SELECT * is not allowed by the aggregation rules");
    assertThatThrownBy(() -> query.run("SELECT t.* FROM part_ibe_01 t GROUP BY t.age_range"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessageStartingWith("Query refused: SELECT t.* is not allowed");
  }

  @Test
  void aTableNotAssociatedOrNotInTheCollaborationIsRefusedByName() {
    assertThatThrownBy(
            () -> query.run("SELECT COUNT(DISTINCT customer_user_id) FROM part_addressable_ids"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessageStartingWith(
            "Query refused: configured table part_addressable_ids is NOT_ASSOCIATED: only tables"
                + " associated with membership");
    assertThatThrownBy(() -> query.run("SELECT COUNT(DISTINCT customer_user_id) FROM part_unknown"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessageStartingWith(
            "Query refused: table part_unknown is not a configured table of collaboration");
    // The catalog table itself is not a way around the collaboration.
    assertThatThrownBy(() -> query.run("SELECT COUNT(DISTINCT customer_user_id) FROM " + IBE_01))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessageStartingWith(
            "Query refused: table %s is not a configured table of collaboration".formatted(IBE_01));
  }

  @Test
  void aNonAggregateSelectIsRefused() {
    assertThatThrownBy(() -> query.run("SELECT customer_user_id, age_range FROM part_ibe_01"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessage(
            "Query refused: column customer_user_id of part_ibe_01 is not a dimension column of the"
                + " aggregation rule of part_ibe_01, so it cannot be selected outside an aggregate"
                + " (dimension columns: age_range, gender, income_band, home_owner)");
    assertThatThrownBy(() -> query.run("SELECT age_range FROM part_ibe_01"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessage(
            "Query refused: column age_range of part_ibe_01 is selected but not in GROUP BY: a"
                + " dimension column is shown per group");
    assertThatThrownBy(
            () ->
                query.run(
                    "SELECT age_range, COUNT(DISTINCT customer_user_id) FROM part_ibe_01"
                        + " GROUP BY age_range HAVING COUNT(DISTINCT customer_user_id) > 1"))
        .isInstanceOf(RefusedQueryException.class)
        .hasMessageEndingWith("; found HAVING");
  }
}
