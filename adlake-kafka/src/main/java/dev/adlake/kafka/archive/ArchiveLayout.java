package dev.adlake.kafka.archive;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the archive keeps a topic's records and how it names them: {@code
 * <root>/<topic>/dt=YYYY-MM-DD/hr=HH/<topic>-p<partition>-o<first offset>-<last offset>.jsonl.gz},
 * offsets in 20 digits so names sort by offset, and {@code _SUCCESS} in an hour once it is
 * complete. A file being written is hidden and ends in {@code .tmp}; it is renamed when complete.
 */
final class ArchiveLayout {
  static final String SUCCESS = "_SUCCESS";
  static final String EXTENSION = ".jsonl.gz";
  static final long HOUR_MILLIS = 3_600_000L;

  private static final Pattern DATA_FILE =
      Pattern.compile("(.+)-p(\\d+)-o(\\d{20})-(\\d{20})\\.jsonl\\.gz");
  private static final Pattern DAY = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})");
  private static final Pattern HOUR = Pattern.compile("hr=(\\d{2})");

  /** A complete data file as its name tells it. */
  record DataFile(String path, String topic, int partition, long firstOffset, long lastOffset) {}

  private ArchiveLayout() {}

  /** The hour a timestamp falls in, counted in hours since the epoch (UTC). */
  static long hourOf(long timestampMillis) {
    return Math.floorDiv(timestampMillis, HOUR_MILLIS);
  }

  static long hourEndMillis(long hour) {
    return (hour + 1) * HOUR_MILLIS;
  }

  /** The folder of a topic's hour: {@code <topic>/dt=YYYY-MM-DD/hr=HH}. */
  static String hourDirectory(String topic, long hour) {
    ZonedDateTime start = Instant.ofEpochMilli(hour * HOUR_MILLIS).atZone(ZoneOffset.UTC);
    return "%s/dt=%s/hr=%02d".formatted(topic, start.toLocalDate(), start.getHour());
  }

  /** The hour of the {@code dt=YYYY-MM-DD/hr=HH} folder a file is in, or empty when it is not. */
  static Optional<Long> hourOfFile(String path) {
    String[] parts = path.split("/");
    if (parts.length < 3) {
      return Optional.empty();
    }
    Matcher hour = HOUR.matcher(parts[parts.length - 2]);
    Matcher day = DAY.matcher(parts[parts.length - 3]);
    if (!hour.matches() || !day.matches()) {
      return Optional.empty();
    }
    long epochHours =
        LocalDate.parse(day.group(1)).toEpochDay() * 24 + Integer.parseInt(hour.group(1));
    return Optional.of(epochHours);
  }

  static String fileName(String topic, int partition, long firstOffset, long lastOffset) {
    return "%s-p%d-o%020d-%020d%s".formatted(topic, partition, firstOffset, lastOffset, EXTENSION);
  }

  /** The hidden name a file has while it is written, from what is known when it is opened. */
  static String temporaryName(String topic, int partition, long firstOffset) {
    return ".%s-p%d-o%020d%s.tmp".formatted(topic, partition, firstOffset, EXTENSION);
  }

  static boolean isTemporary(String path) {
    String name = fileNameOf(path);
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  static String fileNameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static Optional<DataFile> parse(String file) {
    Matcher matcher = DATA_FILE.matcher(fileNameOf(file));
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new DataFile(
            file,
            matcher.group(1),
            Integer.parseInt(matcher.group(2)),
            Long.parseLong(matcher.group(3)),
            Long.parseLong(matcher.group(4))));
  }
}
