package dev.adlake.generator.stream;

import java.util.Locale;

/** The enricher's stage at which a faulty record fails, in the order the enricher applies them. */
public enum FailureStage {
  /** The value is not JSON, or not Avro of the declared schema. */
  PARSE,
  /** A required field is missing or of the wrong type, or its value breaks a rule. */
  VALIDATE,
  /** A URL field is not an absolute http(s) URL with a host. */
  ENRICH;

  /** The stage as the failed-events topic and the truth name it: {@code parse}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FailureStage fromId(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
