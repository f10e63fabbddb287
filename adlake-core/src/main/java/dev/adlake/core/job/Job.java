package dev.adlake.core.job;

/**
 * A runnable job of the platform, whatever engine runs it (Spark, Kafka clients, plain Java): its
 * {@link JobDefinition} says its name, its one domain, what it reads and writes and its parameters;
 * {@link #run} does the work of one run and reports its counts.
 *
 * <p>A job keeps no state between runs: what a run needs (parameters, run id, progress sink,
 * services) comes with its {@link JobContext}.
 */
public interface Job {
  JobDefinition definition();

  /**
   * Does the work of one run.
   *
   * @throws Exception any failure; the runner records it with the run and may retry
   */
  JobResult run(JobContext context) throws Exception;
}
