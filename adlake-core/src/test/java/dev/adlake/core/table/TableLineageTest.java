package dev.adlake.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.NotFoundException;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.DatasetKind;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.Lineage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableLineageTest {
  private static final TableDefinition RAW =
      TableDefinition.lake(
              "raw.events",
              Domain.INGESTION,
              "landed events",
              List.of(new TableColumn("user_id", "STRING", true)))
          .withUserColumn("user_id");
  private static final TableDefinition HOURLY =
      TableDefinition.lake("reporting.hourly", Domain.REPORTING, "per hour", List.of());
  private static final TableDefinition USERS =
      TableDefinition.serving(
              "serving.users",
              Domain.REPORTING,
              "users",
              List.of(new TableColumn("u", "text", true)))
          .withUserColumn("u");
  private static final TableDefinition OTHER =
      TableDefinition.lake("identity.ids", Domain.COOKIE_MAPPING, "ids", List.of());

  private static final JobDefinition INGEST =
      job("ingest", Domain.INGESTION, List.of(Dataset.files("events/")), List.of(table(RAW)));
  // Registered before the job that writes what it reads: the walk does not depend on order.
  private static final JobDefinition PUBLISH =
      job(
          "publish",
          Domain.REPORTING,
          List.of(table(HOURLY)),
          List.of(table(USERS), new Dataset(DatasetKind.API, "/api/users")));
  private static final JobDefinition ROLLUP =
      job("rollup", Domain.REPORTING, List.of(table(RAW)), List.of(table(HOURLY)));
  private static final JobDefinition MAPPER =
      job("mapper", Domain.COOKIE_MAPPING, List.of(Dataset.topic("ids")), List.of(table(OTHER)));

  private static final List<JobDefinition> JOBS = List.of(PUBLISH, INGEST, ROLLUP, MAPPER);
  private static final TableCatalog CATALOG =
      new TableCatalog().addAll(List.of(RAW, HOURLY, USERS, OTHER));

  @Test
  void aTableKnowsItsWritersReadersAndEveryDatasetUpAndDownstream() {
    TableLineage raw = TableLineage.of("raw.events", JOBS, CATALOG);
    assertThat(raw.table()).isEqualTo(RAW);
    assertThat(raw.writers()).containsExactly(INGEST);
    assertThat(raw.readers()).containsExactly(ROLLUP);
    assertThat(raw.upstream()).containsExactly(Dataset.files("events/"));
    assertThat(raw.downstream())
        .containsExactly(table(HOURLY), table(USERS), new Dataset(DatasetKind.API, "/api/users"));
    assertThat(raw.downstreamTables(CATALOG)).containsExactly(HOURLY, USERS);

    TableLineage users = TableLineage.of("serving.users", JOBS, CATALOG);
    assertThat(users.writers()).containsExactly(PUBLISH);
    assertThat(users.readers()).isEmpty();
    assertThat(users.upstream())
        .containsExactly(table(HOURLY), table(RAW), Dataset.files("events/"));
    assertThat(users.downstream()).isEmpty();
    // Another domain's table is neither up nor downstream.
    assertThat(TableLineage.of("identity.ids", JOBS, CATALOG).downstream()).isEmpty();
  }

  @Test
  void anUndeclaredTableIsNamedWithTheDeclaredOnes() {
    assertThatThrownBy(() -> TableLineage.of("raw.nope", JOBS, CATALOG))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("raw.nope")
        .hasMessageContaining("raw.events, reporting.hourly");
  }

  @Test
  void theFlowchartOutlinesTheTablesHoldingUserData() {
    String mermaid = Lineage.mermaid(JOBS, Set.of("raw.events", "serving.users"));
    assertThat(mermaid)
        .endsWith(
            "  classDef userdata stroke:#b3261e,stroke-width:2px\n"
                + "  class table_raw_events,serving_table_serving_users userdata\n");
    assertThat(Lineage.mermaid(JOBS)).doesNotContain("classDef");
  }

  private static Dataset table(TableDefinition table) {
    return TableLineage.dataset(table);
  }

  private static JobDefinition job(
      String name, Domain domain, List<Dataset> reads, List<Dataset> writes) {
    return new JobDefinition(name, domain, JobKind.BATCH, name, reads, writes, List.of());
  }
}
