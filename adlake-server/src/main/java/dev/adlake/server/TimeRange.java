package dev.adlake.server;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A range [from, to) of whole UTC hours, split into the whole days it covers (read from daily rows)
 * and the hours before and after them (read from hourly rows).
 */
record TimeRange(Instant from, Instant to) {
  static TimeRange ofDays(LocalDate from, LocalDate to) {
    return new TimeRange(startOf(from), startOf(to));
  }

  static Instant startOf(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static boolean isMidnight(Instant instant) {
    return instant.truncatedTo(ChronoUnit.DAYS).equals(instant);
  }

  Duration length() {
    return Duration.between(from, to);
  }

  long hours() {
    return length().toHours();
  }

  boolean dayAligned() {
    return isMidnight(from) && isMidnight(to);
  }

  private Instant wholeDaysStart() {
    Instant floor = from.truncatedTo(ChronoUnit.DAYS);
    return floor.equals(from) ? from : floor.plus(Duration.ofDays(1));
  }

  private Instant wholeDaysEnd() {
    return to.truncatedTo(ChronoUnit.DAYS);
  }

  private boolean hasWholeDays() {
    return wholeDaysStart().isBefore(wholeDaysEnd());
  }

  LocalDate firstWholeDay() {
    return LocalDate.ofInstant(hasWholeDays() ? wholeDaysStart() : from, ZoneOffset.UTC);
  }

  /** Exclusive; equal to {@link #firstWholeDay()} when the range covers no whole day. */
  LocalDate endWholeDay() {
    return hasWholeDays() ? LocalDate.ofInstant(wholeDaysEnd(), ZoneOffset.UTC) : firstWholeDay();
  }

  Instant leadingHoursFrom() {
    return from;
  }

  Instant leadingHoursTo() {
    return hasWholeDays() ? wholeDaysStart() : to;
  }

  Instant trailingHoursFrom() {
    return hasWholeDays() ? wholeDaysEnd() : to;
  }

  Instant trailingHoursTo() {
    return to;
  }
}
