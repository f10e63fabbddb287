package dev.adlake.spark;

import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;

/**
 * A job that runs on Spark: the platform's {@link Job} with the session and the lake's services at
 * hand. Its definition says its domain, what it reads and writes and its parameters; {@link #run}
 * does the work and reports its counts.
 */
public interface SparkJob extends Job {
  JobResult run(SparkJobContext context, JobParameters parameters);

  @Override
  default JobResult run(JobContext context) {
    return run(SparkJobContext.of(context), context.parameters());
  }
}
