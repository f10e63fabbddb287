package dev.adlake.server;

import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.table.EntityLevel;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Reads and checks the query parameters of the API; a parameter that is missing or breaks a rule is
 * a {@link BadParameterException} naming it and its value.
 */
final class ApiParameters {
  /** Entries a listing of the platform's history (runs, pipeline runs, alerts) holds by default. */
  static final int DEFAULT_HISTORY_LIMIT = 50;

  /** The most entries one listing of the platform's history holds. */
  static final int MAX_HISTORY_LIMIT = 1000;

  private ApiParameters() {}

  static EntityLevel level(Context context, boolean groupsOnly) {
    String value = context.queryParam("level");
    String expected = groupsOnly ? "campaign or advertiser" : "ad, campaign or advertiser";
    if (value == null || value.isBlank()) {
      throw new BadParameterException("level", "level is required: " + expected);
    }
    for (EntityLevel level : EntityLevel.values()) {
      if (level.sqlName().equals(value) && !(groupsOnly && level == EntityLevel.AD)) {
        return level;
      }
    }
    throw new BadParameterException(
        "level", "Unknown level '%s': expected %s".formatted(value, expected));
  }

  /** A positive integer, or the fallback when absent; required when the fallback is null. */
  static int positiveInteger(Context context, String name, Integer fallback) {
    String value = context.queryParam(name);
    if (value == null || value.isBlank()) {
      if (fallback != null) {
        return fallback;
      }
      throw new BadParameterException(name, "%s is required".formatted(name));
    }
    return parsePositive(name, value);
  }

  static Integer optionalPositiveInteger(Context context, String name) {
    String value = context.queryParam(name);
    return value == null || value.isBlank() ? null : parsePositive(name, value);
  }

  static int parsePositive(String name, String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 1) {
        throw new BadParameterException(
            name, "%s is %d, must be a positive integer".formatted(name, parsed));
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new BadParameterException(
          name, "%s is '%s', must be a positive integer".formatted(name, value));
    }
  }

  /** Rows per page: the fallback when absent, at most {@code server.max-page-size}. */
  static int limit(Context context, int fallback, ServerConfig config) {
    int limit = positiveInteger(context, "limit", Math.min(fallback, config.maxPageSize()));
    if (limit > config.maxPageSize()) {
      throw new BadParameterException(
          "limit",
          "limit is %d, more than server.max-page-size (%d)"
              .formatted(limit, config.maxPageSize()));
    }
    return limit;
  }

  /**
   * Entries of a listing of runs, pipeline runs or alerts: {@value #DEFAULT_HISTORY_LIMIT} when
   * absent, else 1 to {@value #MAX_HISTORY_LIMIT}.
   */
  static int historyLimit(Context context) {
    int limit = positiveInteger(context, "limit", DEFAULT_HISTORY_LIMIT);
    if (limit > MAX_HISTORY_LIMIT) {
      throw new BadParameterException(
          "limit",
          "limit is %d, more than %d, the most one listing of runs or alerts holds"
              .formatted(limit, MAX_HISTORY_LIMIT));
    }
    return limit;
  }

  /** A path parameter that is a positive id, such as a pipeline run's. */
  static long idInPath(Context context, String name) {
    String value = context.pathParam(name);
    try {
      long id = Long.parseLong(value.trim());
      if (id < 1) {
        throw new BadParameterException(
            name, "%s is %d, must be a positive integer".formatted(name, id));
      }
      return id;
    } catch (NumberFormatException e) {
      throw new BadParameterException(
          name, "%s is '%s', must be a positive integer".formatted(name, value));
    }
  }

  static int offset(Context context) {
    String value = context.queryParam("offset");
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(value.trim());
      if (offset < 0) {
        throw new BadParameterException(
            "offset", "offset is %d, must be 0 or more".formatted(offset));
      }
      return offset;
    } catch (NumberFormatException e) {
      throw new BadParameterException(
          "offset", "offset is '%s', must be an integer of 0 or more".formatted(value));
    }
  }

  /** The range [from, to), at most {@code server.max-range-days} long. */
  static TimeRange range(Context context, ServerConfig config) {
    Instant from = instant(context, "from");
    Instant to = instant(context, "to");
    if (!to.isAfter(from)) {
      throw new BadParameterException(
          "to", "to (%s) must be after from (%s); to is exclusive".formatted(to, from));
    }
    TimeRange range = new TimeRange(from, to);
    if (range.length().compareTo(Duration.ofDays(config.maxRangeDays())) > 0) {
      throw new BadParameterException(
          "to",
          "The range from %s to %s covers %.1f days, more than server.max-range-days (%d)"
              .formatted(from, to, range.hours() / 24.0, config.maxRangeDays()));
    }
    return range;
  }

  /** A date (its UTC midnight) or an ISO instant on a whole hour. */
  private static Instant instant(Context context, String name) {
    String value = context.queryParam(name);
    if (value == null || value.isBlank()) {
      throw new BadParameterException(
          name,
          "%s is required: a UTC date (2026-01-31) or hour (2026-01-31T05:00:00Z)".formatted(name));
    }
    Instant instant;
    try {
      instant =
          value.length() == 10
              ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
              : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadParameterException(
          name,
          "%s is '%s', not a UTC date (2026-01-31) or hour (2026-01-31T05:00:00Z)"
              .formatted(name, value));
    }
    if (!instant.truncatedTo(ChronoUnit.HOURS).equals(instant)) {
      throw new BadParameterException(
          name, "%s is '%s', must be on a whole hour".formatted(name, value));
    }
    return instant;
  }

  static void requireDayAligned(TimeRange range) {
    if (!TimeRange.isMidnight(range.from())) {
      throw new BadParameterException(
          "from",
          "from is %s; daily figures need a whole UTC day (a date, or midnight)"
              .formatted(range.from()));
    }
    if (!TimeRange.isMidnight(range.to())) {
      throw new BadParameterException(
          "to",
          "to is %s; daily figures need a whole UTC day (a date, or midnight)"
              .formatted(range.to()));
    }
  }
}
