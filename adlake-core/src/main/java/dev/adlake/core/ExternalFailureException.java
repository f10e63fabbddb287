package dev.adlake.core;

/**
 * A system outside adlake failed: a database, a broker, a file system. The cause is kept; whether a
 * retry can help is decided by the adapter that raised it.
 */
public class ExternalFailureException extends AdlakeException {
  public ExternalFailureException(String message, Throwable cause) {
    super(ErrorCategory.EXTERNAL_FAILURE, message, cause);
  }
}
