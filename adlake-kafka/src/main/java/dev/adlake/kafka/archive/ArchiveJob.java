package dev.adlake.kafka.archive;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.StopOnSignal;
import dev.adlake.core.job.Unit;
import dev.adlake.core.stream.KafkaServers;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topic archive as a job: a raw copy of the configured topics in the lake by hour, until
 * stopped, or with {@code once} up to the topics' current ends. Its summary, a line per topic, goes
 * to the run's progress.
 */
public final class ArchiveJob implements Job {
  public static final String NAME = "archive-topics";

  public static final JobParameter<Boolean> ONCE =
      JobParameter.optional(
          JobDefinition.ONCE,
          ValueType.bool(),
          "false",
          "Archive up to the topics' current ends, close every file, mark complete hours and stop");

  private final AdlakeConfig config;
  private final JobDefinition definition;

  public ArchiveJob(AdlakeConfig config) {
    this.config = config;
    this.definition =
        new JobDefinition(
            NAME,
            Domain.INGESTION,
            JobKind.STREAMING,
            "Raw copy of Kafka topics in the lake by hour, with _SUCCESS once an hour is complete",
            config.archive().topics().stream().map(Dataset::topic).toList(),
            config.archive().topics().stream()
                .map(topic -> Dataset.archive("archive/" + topic))
                .toList(),
            List.of(ONCE));
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(JobContext context) {
    String servers = context.service(KafkaServers.class).bootstrapServers();
    boolean once = context.parameters().get(ONCE);
    ArchiveStore store = context.service(ArchiveStores.class).open(config.archive().directory());
    try (KafkaArchiver archiver =
            KafkaArchiver.start(
                config.archive(), store, servers, Clock.systemUTC(), context.progress());
        StopOnSignal stop = StopOnSignal.install("adlake-archive", archiver::stop)) {
      context
          .progress()
          .accept(
              "archiving %s into %s%s"
                  .formatted(
                      String.join(
                          ", ",
                          archiver.summary().stream()
                              .map(KafkaArchiver.TopicSummary::topic)
                              .toList()),
                      archiver.directory(),
                      once
                          ? ", up to the current end offsets"
                          : " (Ctrl-C closes the files and stops)"));
      if (once) {
        archiver.runOnce();
      } else {
        archiver.runUntilStopped();
      }
      return summarize(archiver, context);
    }
  }

  private static JobResult summarize(KafkaArchiver archiver, JobContext context) {
    long files = 0;
    long hours = 0;
    long late = 0;
    for (KafkaArchiver.TopicSummary topic : archiver.summary()) {
      context
          .progress()
          .accept(
              "%-24s %d partition(s): %,d record(s) in %,d file(s), %,d hour(s) completed%s"
                  .formatted(
                      topic.topic(),
                      topic.partitions(),
                      topic.records(),
                      topic.files(),
                      topic.hoursCompleted(),
                      topic.lateRecords() == 0
                          ? ""
                          : ", %,d late record(s) in hours already complete"
                              .formatted(topic.lateRecords())));
      files += topic.files();
      hours += topic.hoursCompleted();
      late += topic.lateRecords();
    }
    double seconds = archiver.elapsedSeconds();
    context
        .progress()
        .accept(
            "archived %,d record(s) in %.1f s (%,d/s)"
                .formatted(
                    archiver.recordsArchived(),
                    seconds,
                    Math.round(archiver.recordsArchived() / Math.max(seconds, 0.001))));
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("files", files);
    figures.put("hours_completed", hours);
    figures.put("late_records", late);
    return new JobResult(
        archiver.recordsArchived(),
        archiver.recordsArchived(),
        figures,
        Map.of("files", Unit.FILES, "late_records", Unit.ROWS));
  }
}
