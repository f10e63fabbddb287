package dev.adlake.server;

import dev.adlake.core.InvalidInputException;

/** A request parameter of the API is missing or breaks a rule; the answer names it. */
final class BadParameterException extends InvalidInputException {
  private final String parameter;

  BadParameterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  String parameter() {
    return parameter;
  }
}
