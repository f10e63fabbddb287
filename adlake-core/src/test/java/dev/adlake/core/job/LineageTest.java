package dev.adlake.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineageTest {
  @Test
  void drawsJobsInDomainSubgraphsAndDatasetsInTheirStores() {
    JobDefinition load =
        new JobDefinition(
            "load-adserver-events",
            Domain.INGESTION,
            JobKind.BATCH,
            "load",
            List.of(Dataset.files("adserver/events/")),
            List.of(Dataset.table("raw.adserver__events")),
            List.of());
    JobDefinition enrich =
        new JobDefinition(
            "enricher",
            Domain.INGESTION,
            JobKind.STREAMING,
            "enrich",
            List.of(Dataset.topic("ingested-af")),
            List.of(Dataset.topic("enriched-af")),
            List.of(
                JobParameter.optional(
                    JobDefinition.ONCE, dev.adlake.core.config.ValueType.bool(), "false", "once")));
    JobDefinition rollup =
        new JobDefinition(
            "hourly-rollup",
            Domain.REPORTING,
            JobKind.BATCH,
            "rollup",
            List.of(Dataset.table("raw.adserver__events")),
            List.of(
                Dataset.servingTable("serving.ad_metrics"),
                Dataset.view("reporting.ad_metrics_*"),
                Dataset.table("reporting.ad_hourly")),
            List.of());

    String mermaid = Lineage.mermaid(List.of(load, enrich, rollup));

    assertThat(mermaid)
        .startsWith("flowchart LR\n")
        .contains(
            "  subgraph domain_ingestion [Ingestion]\n    job_load_adserver_events(load-adserver-events)\n    job_enricher{enricher}\n  end\n")
        .contains(
            "  subgraph domain_reporting [Reporting]\n    job_hourly_rollup(hourly-rollup)\n  end\n")
        .contains("files_adserver_events[/adserver/events/]")
        .contains("topic_ingested_af>ingested-af]")
        .contains("table_raw_adserver_events[raw.adserver__events]")
        .contains("  files_adserver_events --> job_load_adserver_events\n")
        .contains("  job_load_adserver_events --> table_raw_adserver_events\n")
        .contains("  table_raw_adserver_events --> job_hourly_rollup\n")
        .contains("  job_hourly_rollup --> serving_table_serving_ad_metrics\n");
    // A dataset read by one job and written by another is drawn once.
    assertThat(mermaid.split("table_raw_adserver_events\\[", -1)).hasSize(2);
    assertThat(mermaid).doesNotContain("Cookie mapping");
    // Views are in the lake's subgraph, after its tables, in their own shape.
    assertThat(mermaid)
        .contains(
            "  subgraph store_table [Iceberg lake]\n"
                + "    table_raw_adserver_events[raw.adserver__events]\n"
                + "    table_reporting_ad_hourly[reporting.ad_hourly]\n"
                + "    view_reporting_ad_metrics[[reporting.ad_metrics_*]]\n"
                + "  end\n")
        .contains("  job_hourly_rollup --> view_reporting_ad_metrics\n");
    assertThat(mermaid.split("\\[Iceberg lake]", -1)).hasSize(2);
  }

  @Test
  void aLakeTableNamesOneTableAndAFamilyIsAView() {
    assertThatThrownBy(() -> Dataset.table("reporting.mapping_*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Lake table 'reporting.mapping_*' must name one table; a family of views is a"
                + " Dataset.view");
    assertThat(Dataset.view("reporting.mapping_*").kind()).isEqualTo(DatasetKind.VIEW);
    assertThat(Dataset.servingTable("serving.map_*").name()).isEqualTo("serving.map_*");
  }
}
