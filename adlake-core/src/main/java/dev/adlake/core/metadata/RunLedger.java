package dev.adlake.core.metadata;

import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The record of every job run: started, then succeeded or failed, exactly once. */
public interface RunLedger {
  /** Records a run as started and returns its id. */
  long start(JobDefinition job, Map<String, String> parameters);

  /** Records a started run as succeeded with its counts. */
  void succeed(long runId, JobResult result);

  /** Records a started run as failed with the error. */
  void fail(long runId, String error);

  /**
   * Marks as failed the runs left running by processes of this host that have ended (killed or
   * crashed), and returns how many there were.
   */
  int failAbandoned();

  Optional<Run> find(long runId);

  /** The most recent runs first, optionally of one job. */
  List<Run> recent(Optional<String> jobName, int limit);
}
