package dev.adlake.core.job;

import dev.adlake.core.config.ValueType;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.JdbcBackfills;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.run.BackfillRunner;
import dev.adlake.core.run.JobRunner;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backfill in a process of its own, for {@link BackfillProcessIT} to kill: arguments are the JDBC
 * URL, the job's name, and the day on which the job hangs (or {@code none}).
 */
public final class BackfillProcess {
  private BackfillProcess() {}

  static Job job(String name, Optional<LocalDate> hangOn) {
    JobDefinition definition =
        new JobDefinition(
            name,
            Domain.REPORTING,
            JobKind.BATCH,
            "a day of test work",
            List.of(Dataset.files("test/days")),
            List.of(Dataset.table("t." + name.replace('-', '_'))),
            List.of(JobParameter.optional(JobDefinition.DAY, ValueType.date(), null, "the day")));
    return new TestingJob(
        definition,
        context -> {
          LocalDate day =
              (LocalDate)
                  context.parameters().asText().entrySet().stream()
                      .filter(entry -> entry.getKey().equals(JobDefinition.DAY))
                      .map(entry -> LocalDate.parse(entry.getValue()))
                      .findFirst()
                      .orElseThrow();
          if (hangOn.isPresent() && hangOn.get().equals(day)) {
            System.out.println("hanging on " + day);
            Thread.sleep(120_000);
          }
          return JobResult.of(1, 1);
        });
  }

  public static void main(String[] args) {
    String jdbcUrl = args[0];
    String name = args[1];
    Optional<LocalDate> hangOn =
        args[2].equals("none") ? Optional.empty() : Optional.of(LocalDate.parse(args[2]));
    try (MetadataStore store =
        MetadataStore.open(
            jdbcUrl,
            EmbeddedPostgresServer.USER,
            Optional.ofNullable(System.getenv("PGPASSWORD")),
            4)) {
      JdbcRunLedger ledger = new JdbcRunLedger(store.dataSource());
      ledger.failAbandoned();
      JobCatalog catalog = new JobCatalog().add(job(name, hangOn));
      new BackfillRunner(
              catalog,
              new JobRunner(ledger, Services.none()),
              ledger,
              new JdbcBackfills(store.dataSource()),
              new JdbcLocks(store.dataSource()))
          .run(
              name,
              LocalDate.parse("2026-11-01"),
              LocalDate.parse("2026-11-03"),
              false,
              Map.of(),
              new BackfillRunner.Listener() {
                @Override
                public void day(
                    LocalDate day,
                    BackfillRunner.DayState state,
                    Optional<JobRunner.Outcome> outcome) {
                  System.out.println(day + " " + state);
                }
              });
    }
  }
}
