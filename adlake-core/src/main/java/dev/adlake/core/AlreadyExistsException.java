package dev.adlake.core;

/** Something of that name already exists. */
public class AlreadyExistsException extends AdlakeException {
  public AlreadyExistsException(String message) {
    super(ErrorCategory.USER_ERROR, message);
  }
}
