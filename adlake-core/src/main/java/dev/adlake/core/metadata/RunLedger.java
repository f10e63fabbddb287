package dev.adlake.core.metadata;

import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The record of every job run: started, then succeeded or failed, exactly once. */
public interface RunLedger {
  /** Records a first attempt as started and returns its id. */
  default long start(JobDefinition job, Map<String, String> parameters) {
    return start(job, parameters, RunStart.FIRST);
  }

  /** Records a run as started, with its attempt and what it belongs to, and returns its id. */
  long start(JobDefinition job, Map<String, String> parameters, RunStart start);

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

  /** The latest finished run (succeeded or failed) of each job, by job name. */
  List<Run> latestFinishedOfEachJob();

  /** The latest run of each job that succeeded, by job name. */
  List<Run> latestSuccessOfEachJob();

  /** The runs of a pipeline run or a backfill, in the order they started. */
  List<Run> ofPipelineRun(long pipelineRunId);

  List<Run> ofBackfill(long backfillId);

  /** Whether a run of the job is running now, in any process. */
  boolean running(String jobName);

  /** Whether the job has a succeeded run with this parameter value, such as a backfill's day. */
  boolean succeededWith(String jobName, String parameter, String value);
}
