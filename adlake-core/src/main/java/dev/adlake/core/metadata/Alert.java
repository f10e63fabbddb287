package dev.adlake.core.metadata;

import java.time.Instant;

/** An alert the platform raised, such as a job past its deadline. */
public record Alert(
    long id, String kind, String subject, Instant dueAt, Instant raisedAt, String message) {
  /** The kind of alert raised when a job has not succeeded by its deadline. */
  public static final String DEADLINE_MISSED = "deadline_missed";
}
