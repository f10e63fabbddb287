package dev.adlake.core;

/** A named thing (a job, a run, a table, a file) does not exist. */
public class NotFoundException extends AdlakeException {
  public NotFoundException(String message) {
    super(ErrorCategory.USER_ERROR, message);
  }
}
