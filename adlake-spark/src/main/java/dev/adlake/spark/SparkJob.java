package dev.adlake.spark;

import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;

/**
 * A job that runs on Spark. Its {@link JobDefinition} says its domain, what it reads and writes and
 * its parameters; {@link #run} does the work and reports its counts.
 */
public interface SparkJob {
  JobDefinition definition();

  JobResult run(JobContext context, JobParameters parameters);
}
