package dev.adlake.core;

/** Input from a user (a flag, a parameter, a file, a configuration value) breaks a rule. */
public class InvalidInputException extends AdlakeException {
  public InvalidInputException(String message) {
    super(ErrorCategory.USER_ERROR, message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(ErrorCategory.USER_ERROR, message, cause);
  }
}
