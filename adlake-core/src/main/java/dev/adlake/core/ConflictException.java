package dev.adlake.core;

/** A request contradicts what already exists, such as a job placed in a second domain. */
public class ConflictException extends AdlakeException {
  public ConflictException(String message) {
    super(ErrorCategory.USER_ERROR, message);
  }
}
