package dev.adlake.spark.reportingenablement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingTablesTest {
  @Test
  void namesTablesAndViewsWithUnderscoresForDashes() {
    assertThat(MappingTables.tableName("dsp-one", "us-east")).isEqualTo("map_dsp_one_us_east");
    assertThat(MappingTables.tableName("adlake", "eu")).isEqualTo("map_adlake_eu");
    assertThat(MappingTables.viewName("us-east")).isEqualTo("mapping_us_east");
  }

  @Test
  void longNamesKeepTheirStartAndEndWithAHashThatLeavesRoomForThePrimaryKey() {
    String partner = "p".repeat(40);
    String first = MappingTables.tableName(partner, "r".repeat(40));
    String second = MappingTables.tableName(partner, "r".repeat(39) + "s");
    assertThat(first)
        .hasSize(MappingTables.MAX_TABLE_NAME)
        .startsWith("map_" + partner + "_rrrr")
        .matches(".*_[0-9a-f]{8}");
    assertThat((first + "_pkey").length()).isLessThanOrEqualTo(63);
    assertThat(second).hasSize(MappingTables.MAX_TABLE_NAME).isNotEqualTo(first);
    // Stable across runs: the same pair always gives the same table.
    assertThat(MappingTables.tableName(partner, "r".repeat(40))).isEqualTo(first);
  }

  @Test
  void reportsEveryInvalidNameAndEveryTwoPairsThatWouldShareATable() {
    assertThatThrownBy(
            () ->
                MappingTables.targets(
                    List.of(
                        Map.entry("a-b", "c"),
                        Map.entry("a_b", "c"),
                        Map.entry("Bad", "eu"),
                        Map.entry("ok", "e u"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot publish the mapping: partner 'a-b' in region 'c' and partner 'a_b' in region"
                + " 'c' would both be table map_a_b_c; partner 'Bad' is not 1 to 40 lower-case"
                + " letters, digits, '_' or '-', starting with a letter or digit; region 'e u' is"
                + " not 1 to 40 lower-case letters, digits, '_' or '-', starting with a letter or"
                + " digit");
  }

  @Test
  void reportsEveryTwoRegionsThatWouldShareAViewOnceEvenWhenTheirTablesDiffer() {
    assertThatThrownBy(
            () ->
                MappingTables.targets(
                    List.of(
                        Map.entry("p1", "eu-west"),
                        Map.entry("p1", "us-east"),
                        Map.entry("p2", "eu_west"),
                        Map.entry("p3", "eu_west"),
                        Map.entry("p3", "us_east"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot publish the mapping: region 'eu-west' and region 'eu_west' would both be view"
                + " mapping_eu_west; region 'us-east' and region 'us_east' would both be view"
                + " mapping_us_east");
    assertThat(
            MappingTables.targets(List.of(Map.entry("p1", "eu-west"), Map.entry("p2", "eu-west"))))
        .extracting(MappingTables.Target::table)
        .containsExactly("map_p1_eu_west", "map_p2_eu_west");
  }

  @Test
  void rejectsASchemaThatWouldNeedQuoting() {
    assertThatThrownBy(() -> MappingTables.requireSchema("serving; drop"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Serving schema 'serving; drop' must be");
    assertThat(MappingTables.requireSchema("serving")).isEqualTo("serving");
  }
}
