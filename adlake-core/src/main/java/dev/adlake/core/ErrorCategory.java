package dev.adlake.core;

/**
 * Who is to blame for a failure: decides the CLI exit code and the HTTP status.
 *
 * <p>User errors are fixed by changing input or configuration; external failures by fixing or
 * waiting for a system outside adlake; internal errors are bugs in adlake.
 */
public enum ErrorCategory {
  USER_ERROR(2),
  EXTERNAL_FAILURE(3),
  INTERNAL_ERROR(1);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code the CLI uses for this category. */
  public int exitCode() {
    return exitCode;
  }
}
