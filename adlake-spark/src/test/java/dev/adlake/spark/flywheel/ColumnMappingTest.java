package dev.adlake.spark.flywheel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnMappingTest {
  private static final String FILE = "s3a://bucket/omc/mapping.csv";

  @Test
  void namesAreLowerCasedAndASourceMaySplitIntoSeveralTables() {
    ColumnMapping mapping =
        ColumnMapping.parse(
            FILE,
            "\ufeffTable_Name, Column_Name ,Source_Table\r\n"
                + "IBE_01,CUSTOMER_USER_ID,\r\n"
                + "IBE_01,Age_Range,\r\n"
                + "\r\n"
                + "ibe_01_a,customer_user_id,IBE_01\r\n"
                + "ibe_01_a,Gender,ibe_01\r\n");

    assertThat(mapping.outputs().keySet()).containsExactly("ibe_01", "ibe_01_a");
    ColumnMapping.Output split = mapping.outputs().get("ibe_01_a");
    assertThat(split.source()).isEqualTo("ibe_01");
    assertThat(split.columns()).containsExactly("customer_user_id", "gender");
    assertThat(split.lines()).isEqualTo(Map.of("customer_user_id", 5, "gender", 6));
    assertThat(mapping.outputs().get("ibe_01").source()).isEqualTo("ibe_01");
    assertThat(mapping.outputs().get("ibe_01").columns())
        .isEqualTo(List.of("customer_user_id", "age_range"));
  }

  @Test
  void errorsNameTheFileTheLineAndTheField() {
    assertThatThrownBy(() -> ColumnMapping.parse(FILE, "table,column\nibe_01,a\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Column mapping %s, line 1: the header must name table_name and column_name (and"
                    .formatted(FILE)
                + " optionally source_table); it is 'table,column'");
    assertThatThrownBy(
            () -> ColumnMapping.parse(FILE, "table_name,column_name\nibe_01,a\nibe_01,\n"))
        .hasMessage("Column mapping %s, line 3: column_name is missing".formatted(FILE));
    assertThatThrownBy(() -> ColumnMapping.parse(FILE, "table_name,column_name\nibe 01,a\n"))
        .hasMessage(
            "Column mapping %s, line 2, table_name: 'ibe 01' is not a table name (letters,"
                    .formatted(FILE)
                + " digits, _)");
    assertThatThrownBy(
            () -> ColumnMapping.parse(FILE, "table_name,column_name\nibe_01,age\nIBE_01,AGE\n"))
        .hasMessage(
            "Column mapping %s, line 3, column_name: ibe_01.age is mapped twice".formatted(FILE));
    assertThatThrownBy(
            () ->
                ColumnMapping.parse(
                    FILE, "table_name,column_name,source_table\nt,a,ibe_01\nt,b,ibe_04\n"))
        .hasMessage(
            "Column mapping %s, line 3, source_table: table t is mapped from ibe_01 already; an"
                    .formatted(FILE)
                + " output table has one source");
  }

  @Test
  void anEmptyMappingOrOneWithoutLinesIsRefused() {
    assertThatThrownBy(() -> ColumnMapping.parse(FILE, ""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Column mapping %s is empty".formatted(FILE));
    assertThatThrownBy(() -> ColumnMapping.parse(FILE, "table_name,column_name\n\n"))
        .hasMessage(
            "Column mapping %s maps no column: it has a header and no lines".formatted(FILE));
  }
}
