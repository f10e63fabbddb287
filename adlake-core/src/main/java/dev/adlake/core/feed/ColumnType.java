package dev.adlake.core.feed;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The types a feed column can have, each with the parser of its text form. */
public enum ColumnType {
  STRING,
  INT,
  BIGINT,
  DOUBLE,
  DECIMAL,
  BOOLEAN,
  DATE,
  TIMESTAMP;

  /**
   * Parses a field's text.
   *
   * @throws IllegalArgumentException naming what was expected
   */
  public Object parse(String text) {
    try {
      return switch (this) {
        case STRING -> text;
        case INT -> Integer.parseInt(text.trim());
        case BIGINT -> Long.parseLong(text.trim());
        case DOUBLE -> Double.parseDouble(text.trim());
        case DECIMAL -> new BigDecimal(text.trim());
        case BOOLEAN -> parseBoolean(text.trim());
        case DATE -> LocalDate.parse(text.trim());
        case TIMESTAMP -> parseTimestamp(text.trim());
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("'%s' is not %s".formatted(text, describe()));
    }
  }

  /** "an integer", "a timestamp" ... for messages. */
  public String describe() {
    return switch (this) {
      case STRING -> "a string";
      case INT -> "an integer";
      case BIGINT -> "a long integer";
      case DOUBLE -> "a number";
      case DECIMAL -> "a decimal";
      case BOOLEAN -> "true or false";
      case DATE -> "a date (YYYY-MM-DD)";
      case TIMESTAMP -> "a timestamp (ISO-8601)";
    };
  }

  public static ColumnType of(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "string", "varchar", "text" -> STRING;
      case "int", "integer" -> INT;
      case "bigint", "long" -> BIGINT;
      case "double", "float" -> DOUBLE;
      case "decimal", "numeric" -> DECIMAL;
      case "boolean", "bool" -> BOOLEAN;
      case "date" -> DATE;
      case "timestamp" -> TIMESTAMP;
      default ->
          throw new IllegalArgumentException(
              "unknown type '%s' (string, int, bigint, double, decimal, boolean, date, timestamp)"
                  .formatted(name.trim()));
    };
  }

  private static Boolean parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "t", "1", "yes" -> true;
      case "false", "f", "0", "no" -> false;
      default -> throw new NumberFormatException();
    };
  }

  /** ISO-8601 with an offset or Z; without one, UTC; a space may stand for the T. */
  private static Instant parseTimestamp(String text) {
    String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.replaceFirst(" ", "T") : text;
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    }
  }
}
