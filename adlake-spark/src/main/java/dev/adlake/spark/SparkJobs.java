package dev.adlake.spark;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.JobRegistry;
import dev.adlake.spark.ingest.IngestJob;

/**
 * Every Spark job of the platform, registered once: the source of `adlake jobs` and lineage.
 * Ingestion has a job per configured feed.
 */
public final class SparkJobs {
  private SparkJobs() {}

  public static JobRegistry<SparkJob> registry(AdlakeConfig config) {
    JobRegistry<SparkJob> registry = new JobRegistry<>(SparkJob::definition);
    config
        .feeds()
        .forEach(
            feed ->
                registry.register(
                    new IngestJob(feed, feed.appliesTo().map(name -> config.feed(name).table()))));
    return registry;
  }
}
