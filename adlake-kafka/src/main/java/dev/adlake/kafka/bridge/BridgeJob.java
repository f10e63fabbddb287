package dev.adlake.kafka.bridge;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedTopic;
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
 * The batching bridge of one feed as a job: its Kafka topic into landing files of the feed, by
 * record count or age, until stopped, or with {@code once} up to the topic's current end.
 */
public final class BridgeJob implements Job {
  public static final JobParameter<Boolean> ONCE =
      JobParameter.optional(
          JobDefinition.ONCE,
          ValueType.bool(),
          "false",
          "Batch up to the topic's current end, flush what is left and stop");

  private final AdlakeConfig config;
  private final Feed feed;
  private final JobDefinition definition;

  /** The bridge of a feed that names a topic. */
  public BridgeJob(AdlakeConfig config, Feed feed) {
    this.config = config;
    this.feed = feed;
    FeedTopic topic = feed.topic().orElseThrow();
    this.definition =
        new JobDefinition(
            name(feed),
            Domain.INGESTION,
            JobKind.STREAMING,
            "Batches topic %s into landing files of feed %s, %,d records or %d minutes per file"
                .formatted(topic.topic(), feed.name(), topic.flushRecords(), topic.flushMinutes()),
            List.of(Dataset.topic(topic.topic())),
            List.of(Dataset.files(feed.prefix())),
            List.of(ONCE));
  }

  /** The name of a feed's bridge job. */
  public static String name(Feed feed) {
    return "bridge-" + feed.name();
  }

  public Feed feed() {
    return feed;
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(JobContext context) {
    String servers = context.service(KafkaServers.class).bootstrapServers();
    boolean once = context.parameters().get(ONCE);
    try (BatchingBridge bridge =
            BatchingBridge.start(
                feed, config.landing().path(), servers, Clock.systemUTC(), context.progress());
        StopOnSignal stop = StopOnSignal.install("adlake-bridge-" + feed.name(), bridge::stop)) {
      context
          .progress()
          .accept(
              "batching %s into %s for feed %s%s"
                  .formatted(
                      feed.topic().orElseThrow().topic(),
                      config.landing().path().resolve(feed.prefix()),
                      feed.name(),
                      once ? ", up to the current end offsets" : " (Ctrl-C flushes and stops)"));
      if (once) {
        bridge.runOnce();
      } else {
        bridge.runUntilStopped();
      }
      BatchingBridge.Summary summary = bridge.summary();
      context
          .progress()
          .accept(
              "%-24s %,d record(s) from %s in %,d file(s): %,d full, %,d by age or at the end"
                  .formatted(
                      summary.feed(),
                      summary.records(),
                      summary.topic(),
                      summary.files(),
                      summary.fullFiles(),
                      summary.timedFiles()));
      Map<String, Long> figures = new LinkedHashMap<>();
      figures.put("files", summary.files());
      figures.put("full_files", summary.fullFiles());
      figures.put("timed_files", summary.timedFiles());
      return new JobResult(
          summary.records(),
          summary.records(),
          figures,
          Map.of("files", Unit.FILES, "full_files", Unit.FILES, "timed_files", Unit.FILES));
    }
  }
}
