package dev.adlake.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipelineTest {
  static JobDefinition job(String name, Domain domain, List<Dataset> reads, List<Dataset> writes) {
    return new JobDefinition(name, domain, JobKind.BATCH, "test job", reads, writes, List.of());
  }

  static final JobDefinition INGEST =
      job(
          "ingest-events",
          Domain.INGESTION,
          List.of(Dataset.files("adserver/events")),
          List.of(Dataset.table("raw.events")));
  static final JobDefinition METRICS =
      job(
          "metrics",
          Domain.REPORTING,
          List.of(Dataset.table("raw.events")),
          List.of(Dataset.table("reporting.hourly"), Dataset.servingTable("serving.hourly")));
  static final JobDefinition EXPORT =
      job(
          "export",
          Domain.REPORTING_ENABLEMENT,
          List.of(Dataset.servingTable("serving.hourly"), Dataset.table("identity.ids")),
          List.of(Dataset.external("dsp")));
  static final JobDefinition IDENTITY =
      job(
          "identity",
          Domain.COOKIE_MAPPING,
          List.of(Dataset.topic("ingested-mapping")),
          List.of(Dataset.table("identity.ids")));

  @Test
  void aJobRunsAfterTheJobsThatWriteWhatItReadsWhateverTheOrderTheyWereAddedIn() {
    Pipeline pipeline = Pipeline.of(List.of(EXPORT, METRICS, INGEST, IDENTITY));

    assertThat(pipeline.order())
        .extracting(JobDefinition::name)
        .containsExactly("ingest-events", "metrics", "identity", "export");
    assertThat(pipeline.upstream("export")).containsExactly("metrics", "identity");
    assertThat(pipeline.upstream("ingest-events")).isEmpty();
    assertThat(pipeline.through("metrics", "ingest-events")).isEqualTo(Dataset.table("raw.events"));
    assertThat(pipeline.mermaid())
        .contains("job_ingest_events -- raw.events --> job_metrics")
        .contains("job_identity -- identity.ids --> job_export");
  }

  @Test
  void maintenanceJobsStandApartAndRunAloneOrAsTheirDomain() {
    JobDefinition retention =
        job(
            "apply-retention",
            Domain.MAINTENANCE,
            List.of(),
            List.of(Dataset.external("adlake.maintenance_actions")));
    Pipeline pipeline = Pipeline.of(List.of(retention, INGEST, METRICS));

    assertThat(pipeline.order()).containsExactly(INGEST, METRICS);
    assertThat(pipeline.select(Optional.empty(), Optional.empty()).order())
        .containsExactly(INGEST, METRICS);
    assertThat(pipeline.job("apply-retention").order()).containsExactly(retention);
    assertThat(pipeline.upstream("apply-retention")).isEmpty();
    Pipeline maintenance = pipeline.select(Optional.empty(), Optional.of(Domain.MAINTENANCE));
    assertThat(maintenance.order()).containsExactly(retention);
    assertThat(maintenance.selection()).isEqualTo("only Maintenance");
  }

  @Test
  void aCycleIsRefusedWithItsPath() {
    JobDefinition a =
        job("a", Domain.REPORTING, List.of(Dataset.table("x.c")), List.of(Dataset.table("x.a")));
    JobDefinition b =
        job("b", Domain.REPORTING, List.of(Dataset.table("x.a")), List.of(Dataset.table("x.b")));
    JobDefinition c =
        job("c", Domain.REPORTING, List.of(Dataset.table("x.b")), List.of(Dataset.table("x.c")));

    assertThatThrownBy(() -> Pipeline.of(List.of(INGEST, a, b, c)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build the pipeline: its jobs form a cycle, a -> b -> c -> a (b reads x.a,"
                + " written by a; c reads x.b, written by b; a reads x.c, written by c)");
  }

  @Test
  void aJobReadingATableNoJobWritesIsRefusedNamingBoth() {
    assertThatThrownBy(() -> Pipeline.of(List.of(METRICS, EXPORT)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build the pipeline: job metrics reads table raw.events, which no job writes;"
                + " job export reads table identity.ids, which no job writes");
  }

  @Test
  void aJobReadingWhatItWritesDoesNotWaitForItself() {
    JobDefinition incremental =
        job(
            "incremental",
            Domain.COOKIE_MAPPING,
            List.of(Dataset.table("raw.events"), Dataset.table("identity.graph")),
            List.of(Dataset.table("identity.graph")));
    assertThat(Pipeline.of(List.of(incremental, INGEST)).upstream("incremental"))
        .containsExactly("ingest-events");
  }

  @Test
  void selectsFromAJobOnOrOneDomainKeepingTheOrderAmongTheSelected() {
    Pipeline pipeline = Pipeline.of(List.of(INGEST, METRICS, IDENTITY, EXPORT));

    Pipeline from = pipeline.select(Optional.of("metrics"), Optional.empty());
    assertThat(from.order()).extracting(JobDefinition::name).containsExactly("metrics", "export");
    assertThat(from.upstream("metrics")).isEmpty();
    assertThat(from.upstream("export")).containsExactly("metrics");
    assertThat(from.selection()).isEqualTo("from metrics");

    Pipeline reporting = pipeline.select(Optional.empty(), Optional.of(Domain.REPORTING));
    assertThat(reporting.order()).extracting(JobDefinition::name).containsExactly("metrics");
    assertThat(reporting.selection()).isEqualTo("only Reporting");

    assertThatThrownBy(() -> pipeline.select(Optional.of("metric"), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no such job");
  }
}
