package dev.adlake.spark.ingestion.enrich;

import java.util.Locale;

/**
 * Why one record could not become an enriched event: the stage that refused it and a reason that
 * names the field. Thrown per record on the hot path, so it carries no stack trace.
 */
final class EventFailure extends RuntimeException {
  /** The enricher's stages, in order. */
  enum Stage {
    /** The payload is not JSON, or not Avro of the declared schema. */
    PARSE,
    /** A required field is missing or has the wrong type or format. */
    VALIDATE,
    /** A field is well-formed but cannot be enriched (a URL that is not a URL). */
    ENRICH;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Stage stage;

  EventFailure(Stage stage, String reason) {
    super(reason, null, false, false);
    this.stage = stage;
  }

  Stage stage() {
    return stage;
  }
}
