package dev.adlake.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.AlreadyExistsException;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableCatalogTest {
  static final TableDefinition HOURLY =
      TableDefinition.lake(
              "reporting.hourly",
              Domain.REPORTING,
              "per hour",
              List.of(
                  new TableColumn("hour", "TIMESTAMP", false),
                  new TableColumn("user_id", "STRING", true)))
          .partitionedBy("hours(hour)")
          .keptBy("hour", Retention.days(90))
          .withUserColumn("user_id")
          .withProperties(Map.of("format-version", "2"));

  @Test
  void aLakeTableDeclaresItsOwnDdl() {
    assertThat(HOURLY.ddl())
        .isEqualTo(
            "CREATE TABLE IF NOT EXISTS reporting.hourly (`hour` TIMESTAMP NOT NULL, `user_id`"
                + " STRING) USING iceberg PARTITIONED BY (hours(hour)) TBLPROPERTIES"
                + " ('format-version' = '2')");
    assertThat(HOURLY.namespace()).isEqualTo("reporting");
    assertThatThrownBy(
            () ->
                TableDefinition.serving(
                        "serving.x",
                        Domain.REPORTING,
                        "x",
                        List.of(new TableColumn("a", "INT", false)))
                    .ddl())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aDefinitionNamesColumnsItHasAndATimeColumnForItsRetention() {
    assertThatThrownBy(() -> HOURLY.keptBy("day", Retention.days(1)))
        .hasMessage("Table reporting.hourly has no column day");
    // Columns known only at the first load: the time column cannot be checked yet.
    assertThatCode(
            () ->
                TableDefinition.lake("raw.x", Domain.INGESTION, "x", List.of())
                    .withProperties(Map.of())
                    .keptBy("day", Retention.days(3)))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                new TableDefinition(
                    "raw.x",
                    TableStore.LAKE,
                    Domain.INGESTION,
                    "x",
                    List.of(),
                    List.of(),
                    java.util.Optional.empty(),
                    Retention.days(3),
                    List.of(),
                    Map.of()))
        .hasMessage("Table raw.x keeps rows for 3d but names no time column");
    assertThatThrownBy(() -> TableDefinition.lake("Raw.X", Domain.INGESTION, "x", List.of()))
        .hasMessageContaining("must be namespace.table in lower case");
  }

  @Test
  void retentionsReadAndWriteAsPeopleDo() {
    assertThat(Retention.parse("forever")).isEqualTo(Retention.FOREVER);
    assertThat(Retention.parse("90d")).isEqualTo(Retention.days(90));
    assertThat(Retention.parse("48h")).isEqualTo(Retention.hours(48));
    assertThat(Retention.parse("month-ends-after 30d")).isEqualTo(Retention.monthEndsAfterDays(30));
    assertThat(Retention.monthEndsAfterDays(30).text()).isEqualTo("month-ends-after 30d");
    assertThatThrownBy(() -> Retention.parse("0d"))
        .hasMessage("'0d' is not a retention: forever, 90d, 48h or month-ends-after 30d");
    assertThatThrownBy(() -> Retention.parse("month-ends-after 5h"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTableIsDeclaredOnceAndEveryTableAJobNamesMustBeDeclared() {
    TableCatalog catalog = new TableCatalog().add(HOURLY);
    assertThatThrownBy(() -> catalog.add(HOURLY))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessage(
            "Cannot declare table reporting.hourly twice: it is declared already (owner Reporting)");

    JobDefinition job =
        new JobDefinition(
            "rollup",
            Domain.REPORTING,
            JobKind.BATCH,
            "x",
            List.of(Dataset.table("raw.events"), Dataset.files("landing/x")),
            List.of(Dataset.table("reporting.hourly"), Dataset.servingTable("reporting.hourly")),
            List.of());
    assertThat(catalog.undeclared(List.of(job)))
        .containsExactly(
            "job rollup reads lake table raw.events, which the table catalog does not declare",
            "job rollup writes reporting.hourly as a PostgreSQL serving store table, but it is"
                + " declared in the Iceberg lake");
  }
}
