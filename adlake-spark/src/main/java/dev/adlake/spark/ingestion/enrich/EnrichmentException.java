package dev.adlake.spark.ingestion.enrich;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;

/**
 * A field of an event cannot be enriched because its value breaks the field's rule; the message
 * names the field and the value, as in {@code page_url: 'htp:/x' is not an absolute http(s) URL}.
 *
 * <p>It carries no stack trace: it is raised per bad event, where a stack trace would cost more
 * than the enrichment and tell nothing the message does not. Values longer than {@value
 * #MAX_SHOWN_CHARS} characters are cut in the message.
 */
public final class EnrichmentException extends InvalidInputException {
  static final int MAX_SHOWN_CHARS = 200;

  private final String field;

  /**
   * An error about one value of one field.
   *
   * @param field the event field, such as {@code page_url}
   * @param value the value given, may be null
   * @param problem what is wrong, completing "'value' ...", such as "is not an IP address"
   */
  public EnrichmentException(String field, String value, String problem) {
    super(field + ": " + shown(value) + " " + problem);
    this.field = requireNonNull(field, "field is null");
  }

  /** The event field whose value is wrong. */
  public String field() {
    return field;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  private static String shown(String value) {
    if (value == null) {
      return "null";
    }
    if (value.length() > MAX_SHOWN_CHARS) {
      return "'" + value.substring(0, MAX_SHOWN_CHARS) + "...' (" + value.length() + " chars)";
    }
    return "'" + value + "'";
  }
}
