package dev.adlake.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Services;
import dev.adlake.core.job.TestingJob;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.core.run.JobRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health {@code adlake monitor} prints, read from runs and loads recorded in PostgreSQL. */
class JdbcHealthIT {
  @TempDir static Path home;
  static EmbeddedPostgresServer postgres;
  static MetadataStore store;

  @BeforeAll
  static void start() {
    postgres =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"),
            home.resolve("work"),
            home.resolve("logs/pg.log"),
            0,
            home.resolve("secrets/postgres-password"));
    store =
        MetadataStore.open(
            postgres.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.of(postgres.password()), 4);
  }

  @AfterAll
  static void stop() {
    store.close();
    postgres.close();
  }

  @Test
  void jobsFeedsAndFreshnessAreReadFromTheRecords() {
    JobRunner runner = new JobRunner(new JdbcRunLedger(store.dataSource()), Services.none());
    JobDefinition flaky = job("flaky");
    JobDefinition steady = job("steady");
    runner.run(new TestingJob(flaky, context -> new JobResult(5, 5, Map.of())), Map.of(), l -> {});
    assertThatThrownBy(
            () ->
                runner.run(
                    new TestingJob(
                        flaky,
                        context -> {
                          throw new ExternalFailureException(
                              "the source is away\nat line 2", new RuntimeException());
                        }),
                    Map.of(),
                    l -> {}))
        .isInstanceOf(ExternalFailureException.class);
    runner.run(new TestingJob(steady, context -> new JobResult(7, 7, Map.of())), Map.of(), l -> {});

    JdbcLoadLedger loads = new JdbcLoadLedger(store.dataSource());
    Instant modified = Instant.parse("2026-11-01T00:00:00Z");
    loads.discover("clicks", "clicks/a.csv", 10, modified);
    loads.discover("clicks", "clicks/b.csv", 10, modified);
    loads.discover("views", "views/a.csv", 10, modified);
    Load good = loads.claim(List.of("clicks")).orElseThrow();
    loads.committed(good.id(), "c1", new LoadCounts(100, 95, 5, 1L), Optional.empty());
    loads.transition(good.id(), LoadStatus.READY_FOR_ARCHIVING, LoadStatus.ARCHIVING);
    loads.stored(good.id(), LoadStatus.ARCHIVING, LoadStatus.ARCHIVED, "archive/clicks/a.csv");
    Load bad = loads.claim(List.of("clicks")).orElseThrow();
    loads.failed(bad.id(), Optional.empty(), Optional.empty(), "line 3, field price: not a number");
    loads.transition(bad.id(), LoadStatus.READY_FOR_ERRORING, LoadStatus.ERRORING);
    loads.stored(bad.id(), LoadStatus.ERRORING, LoadStatus.ERRORED, "error/clicks/b.csv");

    JdbcHealth.Health health = new JdbcHealth(store.dataSource(), Clock.systemUTC()).read();

    assertThat(health.jobs()).extracting(JdbcHealth.JobHealth::job).contains("flaky", "steady");
    JdbcHealth.JobHealth flakyHealth = find(health, "flaky");
    assertThat(flakyHealth.failed()).isTrue();
    assertThat(flakyHealth.latest().error())
        .hasValueSatisfying(error -> assertThat(error).contains("the source is away"));
    assertThat(flakyHealth.lastSuccess()).isPresent();
    assertThat(flakyHealth.lastSuccess().get()).isBefore(flakyHealth.latest().endedAt().get());
    assertThat(find(health, "steady").failed()).isFalse();

    assertThat(health.feeds())
        .containsExactly(
            new JdbcHealth.FeedHealth(
                "clicks", health.feeds().get(0).lastLoaded(), 2, 1, 100, 5, 0),
            new JdbcHealth.FeedHealth("views", Optional.empty(), 1, 0, 0, 0, 1));
    assertThat(health.feeds().get(0).lastLoaded()).isPresent();
    assertThat(health.feeds().get(0).rejectShare()).isEqualTo(0.05);
    assertThat(health.newestHour()).isEmpty();
    assertThat(health.lastRefresh()).isEmpty();
    assertThat(health.alerts()).isEmpty();
  }

  private static JdbcHealth.JobHealth find(JdbcHealth.Health health, String job) {
    return health.jobs().stream().filter(j -> j.job().equals(job)).findFirst().orElseThrow();
  }

  private static JobDefinition job(String name) {
    return new JobDefinition(
        name,
        Domain.MAINTENANCE,
        JobKind.BATCH,
        "test",
        List.of(Dataset.table("raw." + name + "_in")),
        List.of(Dataset.table("raw." + name + "_out")),
        List.of());
  }
}
