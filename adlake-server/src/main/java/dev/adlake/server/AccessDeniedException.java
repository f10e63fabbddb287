package dev.adlake.server;

import java.util.OptionalLong;

/**
 * A request the server refuses for who sent it: 401 without a valid token, 403 with a token of too
 * small a scope, 429 when the client tried too many bad tokens or calls too fast.
 */
final class AccessDeniedException extends RuntimeException {
  private final int status;
  private final OptionalLong retryAfterSeconds;

  AccessDeniedException(int status, String message) {
    this(status, message, OptionalLong.empty());
  }

  AccessDeniedException(int status, String message, OptionalLong retryAfterSeconds) {
    super(message);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  int status() {
    return status;
  }

  OptionalLong retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
