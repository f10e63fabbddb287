package dev.adlake.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.job.Domain;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.metadata.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The serving store's migrations make exactly the tables the catalog declares. */
class ServingSchemaCheckIT {
  private final MetadataStore store = TestPostgres.store();

  @Test
  void theMigratedServingStoreIsTheDeclaredOne() {
    assertThat(ServingSchemaCheck.differences(store.dataSource(), ServingTables.all())).isEmpty();
  }

  @Test
  void aDeclarationThatDisagreesWithTheMigrationsIsNamed() {
    List<TableDefinition> tables = new ArrayList<>(ServingTables.all());
    tables.add(
        TableDefinition.serving(
            "serving.refreshes",
            Domain.REPORTING,
            "drifted",
            List.of(
                new TableColumn("refresh_id", "INT", false),
                new TableColumn("run_id", "BIGINT", true),
                new TableColumn("refreshed_at", "TIMESTAMPTZ", false),
                new TableColumn("hours_replaced", "INT", false),
                new TableColumn("first_hour", "TIMESTAMPTZ", true),
                new TableColumn("comment", "TEXT", true))));
    tables.add(TableDefinition.serving("serving.nothing", Domain.REPORTING, "x", List.of()));

    assertThat(ServingSchemaCheck.differences(store.dataSource(), tables))
        .containsExactly(
            "serving.refreshes.refresh_id is bigint not null, declared integer not null",
            "serving.refreshes has no column comment",
            "serving.refreshes has an undeclared column last_hour",
            "table serving.nothing does not exist");
    assertThatThrownBy(() -> ServingSchemaCheck.check(store.dataSource(), tables))
        .isInstanceOf(AdlakeException.class)
        .hasMessageStartingWith("The serving store's migrations disagree with the table catalog:");
  }
}
