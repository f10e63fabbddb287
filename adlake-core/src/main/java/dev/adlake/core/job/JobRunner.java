package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.metadata.RunLedger;

/**
 * Runs a job body and records the run: started before the body runs, then succeeded with its counts
 * or failed with its error. The error is recorded and rethrown.
 */
public final class JobRunner {
  /** The work of one run, given the id it is recorded under. */
  @FunctionalInterface
  public interface Body {
    JobResult run(long runId) throws Exception;
  }

  /** A finished run: its id and what it reported. */
  public record Outcome(long runId, JobResult result) {}

  private final RunLedger ledger;

  public JobRunner(RunLedger ledger) {
    this.ledger = requireNonNull(ledger, "ledger is null");
  }

  public Outcome run(JobDefinition job, JobParameters parameters, Body body) {
    long runId = ledger.start(job, parameters.asText());
    JobResult result;
    try {
      result = body.run(runId);
    } catch (Exception | Error e) {
      ledger.fail(runId, describe(e));
      if (e instanceof AdlakeException adlake) {
        throw adlake;
      }
      throw new AdlakeException(
          ErrorCategory.INTERNAL_ERROR,
          "Job %s failed (run %d): %s".formatted(job.name(), runId, describe(e)),
          e);
    }
    ledger.succeed(runId, result);
    return new Outcome(runId, result);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
