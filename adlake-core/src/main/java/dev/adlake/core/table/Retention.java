package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
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
