package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a table keeps its rows, by its time column: forever, a number of days or hours, or (the
 * data-flow design's "non-monthly" cleanup) every day for a number of days and only month ends
 * after that.
 *
 * @param amount days or hours; 0 for {@link Kind#FOREVER}
 */
public record Retention(Kind kind, int amount) {
  /** The kinds of policies. */
  public enum Kind {
    FOREVER,
    DAYS,
    HOURS,
    MONTH_ENDS_AFTER_DAYS
  }

  public static final Retention FOREVER = new Retention(Kind.FOREVER, 0);

  private static final Pattern TEXT = Pattern.compile("(?:(month-ends-after)\\s+)?(\\d+)\\s*(d|h)");

  public Retention {
    requireNonNull(kind, "kind is null");
    if ((kind == Kind.FOREVER) != (amount == 0) || amount < 0) {
      throw new IllegalArgumentException("A retention of %s cannot be %d".formatted(kind, amount));
    }
  }

  public static Retention days(int days) {
    return new Retention(Kind.DAYS, days);
  }

  public static Retention hours(int hours) {
    return new Retention(Kind.HOURS, hours);
  }

  /** Every day for {@code days}, then only the last day of each month. */
  public static Retention monthEndsAfterDays(int days) {
    return new Retention(Kind.MONTH_ENDS_AFTER_DAYS, days);
  }

  /**
   * Parses {@code forever}, {@code 90d}, {@code 48h} or {@code month-ends-after 30d}.
   *
   * @throws IllegalArgumentException naming the text and the forms allowed
   */
  public static Retention parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("forever")) {
      return FOREVER;
    }
    Matcher matcher = TEXT.matcher(value);
    if (matcher.matches()) {
      int amount = Integer.parseInt(matcher.group(2));
      boolean hours = matcher.group(3).equals("h");
      if (amount > 0 && (matcher.group(1) == null || !hours)) {
        if (matcher.group(1) != null) {
          return monthEndsAfterDays(amount);
        }
        return hours ? hours(amount) : days(amount);
      }
    }
    throw new IllegalArgumentException(
        "'%s' is not a retention: forever, 90d, 48h or month-ends-after 30d".formatted(text));
  }

  /**
   * The first instant kept at {@code now} (UTC): the start of today less the days, or the start of
   * this hour less the hours. Rows before it go, but for the month ends of {@link
   * Kind#MONTH_ENDS_AFTER_DAYS}. Empty for {@link Kind#FOREVER}.
   */
  public Optional<Instant> cutoff(Instant now) {
    return switch (kind) {
      case FOREVER -> Optional.empty();
      case HOURS -> Optional.of(now.truncatedTo(ChronoUnit.HOURS).minus(amount, ChronoUnit.HOURS));
      case DAYS, MONTH_ENDS_AFTER_DAYS ->
          Optional.of(now.truncatedTo(ChronoUnit.DAYS).minus(amount, ChronoUnit.DAYS));
    };
  }

  /**
   * The time ranges whose rows go at {@code now}, given the oldest time a table holds: one range
   * from the oldest time to the cutoff, or for month ends one range per run of days between two
   * month ends. Each range is whole days or hours, so that a table partitioned by day or hour loses
   * whole partitions; empty when nothing goes.
   */
  public List<TimeRange> removedRanges(Instant oldest, Instant now) {
    Optional<Instant> cutoff = cutoff(now);
    if (cutoff.isEmpty() || !oldest.isBefore(cutoff.get())) {
      return List.of();
    }
    Instant start =
        kind == Kind.HOURS
            ? oldest.truncatedTo(ChronoUnit.HOURS)
            : oldest.truncatedTo(ChronoUnit.DAYS);
    if (kind != Kind.MONTH_ENDS_AFTER_DAYS) {
      return List.of(new TimeRange(start, cutoff.get()));
    }
    List<TimeRange> ranges = new ArrayList<>();
    LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
    LocalDate end = LocalDate.ofInstant(cutoff.get(), ZoneOffset.UTC);
    LocalDate from = day;
    while (day.isBefore(end)) {
      if (isMonthEnd(day)) {
        if (from.isBefore(day)) {
          ranges.add(TimeRange.days(from, day));
        }
        from = day.plusDays(1);
      }
      day = day.plusDays(1);
    }
    if (from.isBefore(end)) {
      ranges.add(TimeRange.days(from, end));
    }
    return ranges;
  }

  /** Whether a day is the last of its month: the days {@link Kind#MONTH_ENDS_AFTER_DAYS} keeps. */
  public static boolean isMonthEnd(LocalDate day) {
    return day.getDayOfMonth() == day.lengthOfMonth();
  }

  /** Times from {@code start} (included) to {@code end} (excluded). */
  public record TimeRange(Instant start, Instant end) {
    public TimeRange {
      requireNonNull(start, "start is null");
      requireNonNull(end, "end is null");
      if (!start.isBefore(end)) {
        throw new IllegalArgumentException("Empty time range %s to %s".formatted(start, end));
      }
    }

    static TimeRange days(LocalDate from, LocalDate to) {
      return new TimeRange(
          from.atStartOfDay(ZoneOffset.UTC).toInstant(),
          to.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
  }

  /** As configuration and listings write it: {@code forever}, {@code 90d}. */
  public String text() {
    return switch (kind) {
      case FOREVER -> "forever";
      case DAYS -> amount + "d";
      case HOURS -> amount + "h";
      case MONTH_ENDS_AFTER_DAYS -> "month-ends-after " + amount + "d";
    };
  }
}
