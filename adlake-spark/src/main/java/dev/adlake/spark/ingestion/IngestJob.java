package dev.adlake.spark.ingestion;

import dev.adlake.core.config.ValueType;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.LoadMode;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.kafka.KafkaNotificationSource;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ingests one feed: every new file in its landing prefix is recorded in the load ledger, loaded
 * once into the feed's table and moved to the archive (or the error folder).
 */
public final class IngestJob implements SparkJob {
  public static final JobParameter<java.time.LocalDate> SNAPSHOT_DATE =
      JobParameter.optional(
          "snapshot-date",
          ValueType.date(),
          null,
          "For dated-snapshot feeds: load this snapshot_dt instead of the latest");

  private final Feed feed;
  private final JobDefinition definition;

  /**
   * @param target for change records, the table they update
   */
  public IngestJob(Feed feed, Optional<String> target) {
    this.feed = feed;
    this.definition =
        new JobDefinition(
            name(feed),
            Domain.INGESTION,
            JobKind.BATCH,
            "Loads each new %s file of %s into %s, once, tracked in the load ledger"
                .formatted(feed.format().name().toLowerCase(), feed.prefix(), feed.table()),
            reads(feed, target),
            writes(feed, target),
            feed.mode() == LoadMode.DATED_SNAPSHOT ? List.of(SNAPSHOT_DATE) : List.of());
  }

  /** The name of a feed's ingest job. */
  public static String name(Feed feed) {
    return "ingest-" + feed.name();
  }

  /**
   * The feed's files; for change records, also the table they update, so that the load of that
   * table runs first and never at the same time (both commit to it).
   */
  private static List<Dataset> reads(Feed feed, Optional<String> target) {
    List<Dataset> reads = new java.util.ArrayList<>();
    reads.add(Dataset.files(feed.prefix()));
    target.ifPresent(table -> reads.add(Dataset.table(table)));
    return reads;
  }

  /** The feed's table and rejects; for change records, also the table they update. */
  private static List<Dataset> writes(Feed feed, Optional<String> target) {
    List<Dataset> writes = new java.util.ArrayList<>();
    writes.add(Dataset.table(feed.table()));
    writes.add(Dataset.table(feed.rejectsTable()));
    target.ifPresent(table -> writes.add(Dataset.table(table)));
    return writes;
  }

  public Feed feed() {
    return feed;
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    Ingestion ingestion =
        new Ingestion(
            context.spark(),
            context.config(),
            new JdbcLoadLedger(context.metadata().dataSource()),
            LandingStores.open(context.config()),
            context.progress());
    if (feed.mode() == LoadMode.DATED_SNAPSHOT) {
      ingestion.forcingSnapshotDate(parameters.find(SNAPSHOT_DATE));
    }
    Ingestion.Report report;
    if (context.config().ingest().discovery().equals("kafka")) {
      try (KafkaNotificationSource notifications =
          new KafkaNotificationSource(
              context.kafkaBootstrapServers().get(),
              context.config().ingest().notificationsTopic())) {
        report = ingestion.withNotifications(notifications).run(List.of(feed));
      }
    } else if (context.config().ingest().discovery().equals("sqs")) {
      try (SqsNotificationSource notifications =
          new SqsNotificationSource(context.config().ingest().sqs())) {
        report = ingestion.withNotifications(notifications).run(List.of(feed));
      }
    } else {
      report = ingestion.run(List.of(feed));
    }
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("files_new", (long) report.discovered());
    figures.put("files_already_loaded", (long) report.alreadyLoaded());
    figures.put("files_already_errored", (long) report.alreadyErrored());
    figures.put("files_archived", (long) report.archived());
    figures.put("files_errored", (long) report.errored());
    figures.put("loads_recovered", (long) report.recovered());
    figures.put("files_under_no_feed", (long) report.unmatched().size());
    figures.put("rows_rejected", report.rowsRejected());
    Map<String, Unit> units = new HashMap<>();
    figures.keySet().stream()
        .filter(name -> name.startsWith("files_"))
        .forEach(name -> units.put(name, Unit.FILES));
    units.put("rows_rejected", Unit.ROWS);
    return new JobResult(report.rowsRead(), report.rowsWritten(), figures, units);
  }
}
