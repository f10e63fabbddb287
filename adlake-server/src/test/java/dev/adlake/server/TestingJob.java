package dev.adlake.server;

import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobResult;

/** A job of tests: a definition and a body given by the test. */
final class TestingJob implements Job {
  /** The work of one run. */
  @FunctionalInterface
  interface Body {
    JobResult run(JobContext context) throws Exception;
  }

  private final JobDefinition definition;
  private final Body body;

  TestingJob(JobDefinition definition, Body body) {
    this.definition = definition;
    this.body = body;
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(JobContext context) throws Exception {
    return body.run(context);
  }
}
