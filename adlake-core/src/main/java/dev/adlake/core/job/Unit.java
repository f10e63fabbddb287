package dev.adlake.core.job;

import java.util.Locale;

/**
 * What a job's figure counts or measures. Counts print as numbers beside the figure's name, which
 * says what they count ("3 files_new"); bytes and times print in their unit ("1.2 GB
 * bytes_reclaimed", "4.5 s"), and whoever reads the figures (the API, a chart) knows which are
 * rows, files, bytes or milliseconds.
 */
public enum Unit {
  /** A number of things the figure's name says (hours, ids, components...). */
  COUNT,
  ROWS,
  FILES,
  BYTES,
  MILLISECONDS,
  /** A calendar day, as days since 1970-01-01: the snapshot a run worked on. */
  DATE;

  private static final String[] BYTE_UNITS = {"B", "KB", "MB", "GB", "TB", "PB"};

  /** The value for a reader: numbers thousands separated, bytes in B to PB, milliseconds in s. */
  public String format(long value) {
    return switch (this) {
      case COUNT -> String.format(Locale.ROOT, "%,d", value);
      case ROWS, FILES -> String.format(Locale.ROOT, "%,d", value);
      case BYTES -> bytes(value);
      case MILLISECONDS ->
          value < 1_000 ? value + " ms" : String.format(Locale.ROOT, "%,.1f s", value / 1_000.0);
      case DATE -> java.time.LocalDate.ofEpochDay(value).toString();
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
