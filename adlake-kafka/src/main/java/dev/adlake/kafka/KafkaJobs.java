package dev.adlake.kafka;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.job.Job;
import dev.adlake.kafka.archive.ArchiveJob;
import dev.adlake.kafka.bridge.BridgeJob;
import dev.adlake.kafka.check.StreamCheckJob;
import java.util.ArrayList;
import java.util.List;

/**
 * The platform's jobs that run on Kafka clients rather than Spark: the topic archive and a batching
 * bridge per feed that names a topic (Ingestion), and the stream checks (Monitoring).
 */
public final class KafkaJobs {
  private KafkaJobs() {}

  public static List<Job> all(AdlakeConfig config) {
    List<Job> jobs = new ArrayList<>();
    jobs.add(new ArchiveJob(config));
    jobs.add(new StreamCheckJob(config));
    for (Feed feed : config.feeds()) {
      if (feed.topic().isPresent()) {
        jobs.add(new BridgeJob(config, feed));
      }
    }
    return jobs;
  }
}
