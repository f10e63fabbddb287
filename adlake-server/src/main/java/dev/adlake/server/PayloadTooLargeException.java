package dev.adlake.server;

import dev.adlake.core.InvalidInputException;

/** A request body is larger than the endpoint accepts; the answer is a 413 naming the limit. */
final class PayloadTooLargeException extends InvalidInputException {
  PayloadTooLargeException(String message) {
    super(message);
  }
}
