package dev.adlake.core.job;

/** Whether a job runs to completion or keeps running over a stream. */
public enum JobKind {
  BATCH,
  STREAMING
}
