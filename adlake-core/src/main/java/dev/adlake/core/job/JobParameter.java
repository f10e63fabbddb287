package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.config.ValueType;

/**
 * A parameter a job accepts, with its type, default (null: required) and a one-line description.
 */
public record JobParameter<T>(
    String name, ValueType<T> type, String defaultText, String description) {
  public JobParameter {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(description, "description is null");
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("Invalid job parameter name: " + name);
    }
  }

  public static <T> JobParameter<T> optional(
      String name, ValueType<T> type, String defaultText, String description) {
    return new JobParameter<>(name, type, defaultText, description);
  }

  public boolean required() {
    return defaultText == null;
  }
}
