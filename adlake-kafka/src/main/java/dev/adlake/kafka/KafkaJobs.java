package dev.adlake.kafka;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The definitions of the platform's jobs that run on Kafka clients rather than Spark: the topic
 * archive and a batching bridge per feed with a topic, all in the Ingestion domain. They are run by
 * their own commands ({@code adlake archive}, {@code adlake bridge}) and shown in jobs and lineage
 * beside the Spark jobs.
 */
public final class KafkaJobs {
  /** The job of {@code adlake archive}. */
  public static final String ARCHIVE = "archive-topics";

  private KafkaJobs() {}

  /** The name of a feed's bridge job. */
  public static String bridge(Feed feed) {
    return "bridge-" + feed.name();
  }

  public static List<JobDefinition> definitions(AdlakeConfig config) {
    List<JobDefinition> jobs = new ArrayList<>();
    jobs.add(
        new JobDefinition(
            ARCHIVE,
            Domain.INGESTION,
            JobKind.STREAMING,
            "Raw copy of Kafka topics in the lake by hour, with _SUCCESS once an hour is complete"
                + " ('adlake archive')",
            config.archive().topics().stream().map(Dataset::topic).toList(),
            config.archive().topics().stream()
                .map(topic -> Dataset.archive("archive/" + topic))
                .toList(),
            List.of()));
    for (Feed feed : config.feeds()) {
      feed.topic()
          .ifPresent(
              topic ->
                  jobs.add(
                      new JobDefinition(
                          bridge(feed),
                          Domain.INGESTION,
                          JobKind.STREAMING,
                          "Batches topic %s into landing files of feed %s, %,d records or %d"
                                  .formatted(
                                      topic.topic(),
                                      feed.name(),
                                      topic.flushRecords(),
                                      topic.flushMinutes())
                              + " minutes per file ('adlake bridge')",
                          List.of(Dataset.topic(topic.topic())),
                          List.of(Dataset.files(feed.prefix())),
                          List.of())));
    }
    return jobs;
  }
}
