package dev.adlake.core.job;

import java.util.List;

/** A job of tests: a definition and a body given by the test. */
public final class TestingJob implements Job {
  /** The work of one run. */
  @FunctionalInterface
  public interface Body {
    JobResult run(JobContext context) throws Exception;
  }

  private final JobDefinition definition;
  private final Body body;

  public TestingJob(JobDefinition definition, Body body) {
    this.definition = definition;
    this.body = body;
  }

  /** A batch job of the maintenance domain reading and writing the given tables. */
  public static TestingJob of(String name, List<String> reads, List<String> writes, Body body) {
    return new TestingJob(
        new JobDefinition(
            name,
            Domain.REPORTING,
            JobKind.BATCH,
            "test job",
            reads.stream().map(Dataset::table).toList(),
            writes.stream().map(Dataset::table).toList(),
            List.of()),
        body);
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
