package dev.adlake.spark.flywheel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import dev.adlake.spark.flywheel.report.Collaboration;
import dev.adlake.spark.flywheel.report.Collaboration.AnalysisRule;
import dev.adlake.spark.flywheel.report.Collaboration.ConfiguredTable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.junit.jupiter.api.Test;

/**
 * The aggregation rules as the checker reads them from Spark's parse of a query, without a
 * SparkSession: two associated tables like the generated collaboration's, one not associated.
 */
class AggregationQueryCheckerTest {
  private static final Map<String, List<String>> COLUMNS =
      Map.of(
          "lake.cleanroom.bucketed_ibe_01",
          List.of("customer_user_id", "age_range", "gender", "household_size"),
          "lake.cleanroom.bucketed_ibe_04",
          List.of("customer_user_id", "pet_owner", "auto_intender"),
          "lake.cleanroom.bucketed_addressable_ids",
          List.of("customer_user_id", "addressable_id"));

  private static final AggregationQueryChecker CHECKER =
      new AggregationQueryChecker(
          CatalystSqlParser$.MODULE$,
          new Collaboration(
              "membership-1",
              "us-east-1",
              List.of(
                  associated(
                      "part_ibe_01",
                      "bucketed_ibe_01",
                      List.of("age_range", "gender"),
                      Map.of(
                          "COUNT_DISTINCT",
                          List.of("customer_user_id"),
                          "AVG",
                          List.of("household_size")),
                      50),
                  associated(
                      "part_ibe_04",
                      "bucketed_ibe_04",
                      List.of("pet_owner"),
                      Map.of("SUM", List.of("auto_intender")),
                      0),
                  new ConfiguredTable(
                      "part_addressable_ids",
                      "bucketed_addressable_ids",
                      ConfiguredTable.ACTIVE,
                      ConfiguredTable.NOT_ASSOCIATED,
                      List.of(),
                      List.of())),
              List.of()),
          FlywheelLayout.CLEANROOM,
          COLUMNS::get);

  private static ConfiguredTable associated(
      String name,
      String catalogTable,
      List<String> dimensions,
      Map<String, List<String>> aggregates,
      long minimumUsers) {
    return new ConfiguredTable(
        name,
        catalogTable,
        ConfiguredTable.ACTIVE,
        ConfiguredTable.ASSOCIATED,
        List.of("921424374836"),
        List.of(
            new AnalysisRule(
                AnalysisRule.AGGREGATION,
                aggregates,
                dimensions,
                List.of("customer_user_id"),
                List.of(),
                "customer_user_id",
                minimumUsers)));
  }

  @Test
  void anAllowedQueryGetsAUserCountPerTableWithAThresholdAndReadsTheCatalogTables() {
    AggregationQuery query =
        CHECKER.check(
            "SELECT a.age_range, COUNT(DISTINCT a.customer_user_id) AS users, SUM(b.auto_intender)"
                + " FROM part_ibe_01 a JOIN part_ibe_04 b ON a.customer_user_id = b.customer_user_id"
                + " WHERE a.gender IN ('F', 'M') AND b.pet_owner <> 'N' GROUP BY a.age_range"
                + " ORDER BY users DESC, 1 LIMIT 3");

    assertThat(query.outputColumns()).isEqualTo(3);
    // part_ibe_04 has no threshold, so only part_ibe_01's users are counted.
    assertThat(query.thresholds())
        .containsExactly(
            new AggregationQuery.Threshold("part_ibe_01", "a", "customer_user_id", 50));
    assertThat(query.ordering())
        .containsExactly(
            new AggregationQuery.Ordering(1, false, false),
            new AggregationQuery.Ordering(0, true, true));
    assertThat(query.limit()).hasValue(3);
    String plan = query.groups().treeString();
    assertThat(plan)
        .contains("count(distinct 'a.customer_user_id) AS __adlake_users_0")
        .contains("'UnresolvedRelation [lake, cleanroom, bucketed_ibe_01]")
        .contains("'UnresolvedRelation [lake, cleanroom, bucketed_ibe_04]")
        .doesNotContain("UnresolvedRelation [part_");
  }

  @Test
  void aGlobalAggregateIsOneGroup() {
    AggregationQuery query =
        CHECKER.check("SELECT AVG(household_size) FROM part_ibe_01 WHERE age_range = '18-24'");
    assertThat(query.groups()).isInstanceOf(Aggregate.class);
    assertThat(((Aggregate) query.groups()).groupingExpressions().isEmpty()).isTrue();
    assertThat(query.groups().treeString()).contains("AS __adlake_users_0");
    assertThat(query.thresholds()).hasSize(1);
  }

  @Test
  void eachRuleAndUnsupportedClauseIsNamed() {
    refused(
        "SELECT age_range, SUM(household_size) FROM part_ibe_01 GROUP BY age_range",
        "Query refused: SUM(household_size): the aggregation rule of part_ibe_01 does not allow"
            + " SUM of column household_size (it allows SUM of no column)");
    refused(
        "SELECT COUNT(*) FROM part_ibe_01",
        "Query refused: COUNT(1): an aggregate may only take one column the aggregation rule"
            + " allows for it");
    refused(
        "SELECT MAX(household_size) FROM part_ibe_01",
        "Query refused: MAX(household_size) is not an aggregate the aggregation rules allow (COUNT,"
            + " COUNT(DISTINCT), SUM, SUM(DISTINCT), AVG of one column, without FILTER)");
    refused(
        "SELECT age_range, AVG(household_size) + 1 FROM part_ibe_01 GROUP BY age_range",
        "Query refused: output (AVG(household_size) + 1) is neither a dimension column nor an"
            + " allowed aggregate of one column");
    refused(
        "SELECT household_size, AVG(household_size) FROM part_ibe_01 GROUP BY household_size",
        "Query refused: column household_size of part_ibe_01 is not a dimension column of the"
            + " aggregation rule of part_ibe_01, so it cannot be grouped by (dimension columns:"
            + " age_range, gender)");
    refused(
        "SELECT COUNT(DISTINCT customer_user_id) FROM part_ibe_01, part_ibe_04",
        "Query refused: a join needs ON <join column> = <join column>; a join without a condition"
            + " pairs every row of one table with every row of the other");
    refused(
        "SELECT COUNT(DISTINCT a.customer_user_id) FROM part_ibe_01 a LEFT JOIN part_ibe_04 b"
            + " ON a.customer_user_id = b.customer_user_id",
        "Query refused: only inner joins are supported; found a LEFT OUTER join");
    refused(
        "SELECT COUNT(DISTINCT customer_user_id) FROM part_ibe_01 JOIN part_ibe_04"
            + " USING (customer_user_id)",
        "Query refused: JOIN ... USING is not supported; join with ON <join column> = <join"
            + " column>");
    refused(
        "SELECT AVG(household_size) FROM (SELECT * FROM part_ibe_01)",
        "Query refused: FROM may only name the collaboration's configured tables, joined on their"
            + " join columns; found a subquery");
    refused(
        "WITH q AS (SELECT * FROM part_ibe_01) SELECT AVG(household_size) FROM q",
        "Query refused: the runner checks only SELECT <dimension columns and aggregates> FROM"
            + " <configured tables> [JOIN ... ON <join columns>] [WHERE <dimension columns>] [GROUP"
            + " BY <dimension columns>] [ORDER BY <output columns>] [LIMIT n]; found WITH");
    refused(
        "SELECT COUNT(DISTINCT customer_user_id) FROM part_ibe_01 WHERE upper(gender) = 'F'",
        "Query refused: WHERE may only compare dimension columns with constants (=, <>, <, <=, >,"
            + " >=, IN, LIKE, BETWEEN, IS NULL, AND, OR, NOT); found UPPER(gender)");
    refused(
        "SELECT age_range, AVG(household_size) FROM part_ibe_01 GROUP BY age_range"
            + " ORDER BY gender",
        "Query refused: ORDER BY gender must name one output column (by its name, alias or"
            + " position)");
    refused(
        "SELECT COUNT(DISTINCT customer_user_id) FROM part_ibe_01 JOIN part_ibe_04"
            + " ON part_ibe_01.customer_user_id = part_ibe_04.customer_user_id",
        "Query refused: column customer_user_id is ambiguous: part_ibe_01, part_ibe_04 all have"
            + " it; qualify it with its table");
    refused(
        "SELECT COUNT(DISTINCT customer_user_id) FROM part_addressable_ids",
        "Query refused: configured table part_addressable_ids is NOT_ASSOCIATED: only tables"
            + " associated with membership membership-1 can be queried");
  }

  @Test
  void sqlThatDoesNotParseIsInvalidInputNotARefusal() {
    assertThatThrownBy(() -> CHECKER.check("SELEC age_range FROM part_ibe_01"))
        .isInstanceOf(InvalidInputException.class)
        .isNotInstanceOf(RefusedQueryException.class)
        .hasMessageStartingWith("Cannot parse query: ");
  }

  private static void refused(String sql, String message) {
    assertThatThrownBy(() -> CHECKER.check(sql))
        .as(sql)
        .isInstanceOf(RefusedQueryException.class)
        .hasMessage(message);
  }
}
