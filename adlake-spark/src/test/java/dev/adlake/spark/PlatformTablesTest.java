package dev.adlake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.core.table.UserColumn;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every table a job of the platform names is declared once in the table catalog. */
class PlatformTablesTest {
  @Test
  void everyTableTheJobsNameIsDeclared(@TempDir Path home) {
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(home), Optional.empty(), Map.of(), Map.of(), home));
    TableCatalog tables = PlatformTables.catalog(config);

    assertThat(tables.undeclared(Platform.catalog(config).definitions())).isEmpty();
    assertThat(tables.find("raw.adserver__events")).isPresent();
    assertThat(tables.get("reporting.ad_hourly").partitioning()).containsExactly("hours(hour)");
    assertThat(tables.get("streams.events").userColumns())
        .containsExactly(UserColumn.pseudonym("user_id"));
    // What a rotation of the pseudonym key rewrites besides the identity graph.
    assertThat(tables.of(TableStore.LAKE))
        .filteredOn(table -> !table.pseudonymColumns().isEmpty())
        .extracting(TableDefinition::name)
        .containsExactlyInAnyOrder("streams.events", "streams.mappings");
    assertThat(tables.of(TableStore.SERVING))
        .extracting(TableDefinition::name)
        .contains("serving.metrics_hourly");
    // A feed with declared columns has its DDL from them, lineage columns last.
    assertThat(tables.get("raw.adserver__events").ddl())
        .startsWith("CREATE TABLE IF NOT EXISTS raw.adserver__events (")
        .contains(
            "`_load_id` BIGINT NOT NULL, `_object_key` STRING NOT NULL, `_line` BIGINT NOT NULL)")
        .contains("PARTITIONED BY (days(event_time))");
  }
}
