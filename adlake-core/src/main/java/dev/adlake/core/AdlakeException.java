package dev.adlake.core;

import static java.util.Objects.requireNonNull;

/**
 * The root of every error adlake raises on purpose. Each carries an {@link ErrorCategory} so the
 * CLI and the HTTP layer can answer without inspecting the message.
 */
public class AdlakeException extends RuntimeException {
  private final ErrorCategory category;

  public AdlakeException(ErrorCategory category, String message) {
    this(category, message, null);
  }

  public AdlakeException(ErrorCategory category, String message, Throwable cause) {
    super(message, cause);
    this.category = requireNonNull(category, "category is null");
  }

  public ErrorCategory category() {
    return category;
  }
}
