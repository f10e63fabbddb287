package dev.adlake.spark;

import dev.adlake.core.job.JobRegistry;
import dev.adlake.spark.ingest.LandingFeeds;
import dev.adlake.spark.ingest.LandingLoadJob;

/** Every Spark job of the platform, registered once: the source of `adlake jobs` and lineage. */
public final class SparkJobs {
  private SparkJobs() {}

  public static JobRegistry<SparkJob> registry() {
    JobRegistry<SparkJob> registry = new JobRegistry<>(SparkJob::definition);
    LandingFeeds.all().forEach(feed -> registry.register(new LandingLoadJob(feed)));
    return registry;
  }
}
