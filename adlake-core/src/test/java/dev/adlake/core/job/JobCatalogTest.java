package dev.adlake.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.AlreadyExistsException;
import dev.adlake.core.ConflictException;
import dev.adlake.core.NotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobCatalogTest {
  static Job job(String name, Domain domain) {
    JobDefinition definition = definition(name, domain);
    return new Job() {
      @Override
      public JobDefinition definition() {
        return definition;
      }

      @Override
      public JobResult run(JobContext context) {
        return JobResult.of(0, 0);
      }
    };
  }

  static JobDefinition definition(String name, Domain domain) {
    return new JobDefinition(
        name,
        domain,
        JobKind.BATCH,
        "test job",
        List.of(Dataset.files("partner/feed")),
        List.of(Dataset.table("raw.partner__feed")),
        List.of());
  }

  @Test
  void refusesAJobInASecondDomain() {
    JobCatalog registry = new JobCatalog();
    registry.add(job("user-ids-mapper", Domain.COOKIE_MAPPING));
    assertThatThrownBy(() -> registry.add(job("user-ids-mapper", Domain.REPORTING_ENABLEMENT)))
        .isInstanceOf(ConflictException.class)
        .hasMessage(
            "Cannot add job user-ids-mapper in domain Reporting enablement: it is already in"
                + " domain Cookie mapping, and a job belongs to exactly one domain");
  }

  @Test
  void refusesTheSameNameTwice() {
    JobCatalog registry = new JobCatalog();
    registry.add(job("insights", Domain.REPORTING));
    assertThatThrownBy(() -> registry.add(job("insights", Domain.REPORTING)))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(registry.definitions()).hasSize(1);
  }

  @Test
  void unknownJobListsTheKnownOnes() {
    JobCatalog registry = new JobCatalog();
    registry.add(job("insights", Domain.REPORTING));
    assertThatThrownBy(() -> registry.get("insight"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("No job named 'insight'; known jobs: insights");
  }

  @Test
  void definitionsCheckTheirOwnShape() {
    assertThatThrownBy(() -> definition("Bad_Name", Domain.REPORTING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower case words");
    assertThatThrownBy(
            () ->
                new JobDefinition(
                    "writes-nothing",
                    Domain.REPORTING,
                    JobKind.BATCH,
                    "x",
                    List.of(),
                    List.of(),
                    List.of()))
        .hasMessageContaining("declares no dataset it writes");
  }

  @Test
  void aStreamingJobMustDeclareOnceSoAPipelineCanBoundIt() {
    assertThatThrownBy(
            () ->
                new JobDefinition(
                    "endless",
                    Domain.INGESTION,
                    JobKind.STREAMING,
                    "x",
                    List.of(Dataset.topic("in")),
                    List.of(Dataset.topic("out")),
                    List.of()))
        .hasMessage(
            "Streaming job endless must declare the parameter 'once', so a pipeline can bound it");
  }
}
