package dev.adlake.core.job;

import java.util.Locale;

/**
 * What a job's figure counts or measures, so that a run's figures print as "3 files", "1.2 GB" or
 * "4.5 s" rather than as bare numbers.
 */
public enum Unit {
  /** A number of things the figure's name says (hours, ids, components...). */
  COUNT,
  ROWS,
  FILES,
  BYTES,
  MILLISECONDS;

  private static final String[] BYTE_UNITS = {"B", "KB", "MB", "GB", "TB", "PB"};

  /** The value for a reader: thousands separated, bytes in B to PB, milliseconds in seconds. */
  public String format(long value) {
    return switch (this) {
      case COUNT -> String.format(Locale.ROOT, "%,d", value);
      case ROWS -> String.format(Locale.ROOT, "%,d rows", value);
      case FILES -> String.format(Locale.ROOT, "%,d files", value);
      case BYTES -> bytes(value);
      case MILLISECONDS ->
          value < 1_000 ? value + " ms" : String.format(Locale.ROOT, "%,.1f s", value / 1_000.0);
    };
  }

  /** The name stored beside a run's figures and given by the API: lower case. */
  public String sqlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The unit of a stored name; an unknown or missing name reads as {@link #COUNT}. */
  public static Unit fromSql(String name) {
    for (Unit unit : values()) {
      if (unit.sqlName().equals(name)) {
        return unit;
      }
    }
    return COUNT;
  }

  private static String bytes(long value) {
    double size = value;
    int step = 0;
    while (Math.abs(size) >= 1024 && step < BYTE_UNITS.length - 1) {
      size /= 1024;
      step++;
    }
    return step == 0 ? value + " B" : String.format(Locale.ROOT, "%.1f %s", size, BYTE_UNITS[step]);
  }
}
