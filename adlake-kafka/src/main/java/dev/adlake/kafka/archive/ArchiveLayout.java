package dev.adlake.kafka.archive;

import java.nio.file.Path;
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
  record DataFile(Path path, String topic, int partition, long firstOffset, long lastOffset) {}

  private final Path root;

  ArchiveLayout(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path topicDirectory(String topic) {
    return root.resolve(topic);
  }

  /** The hour a timestamp falls in, counted in hours since the epoch (UTC). */
  static long hourOf(long timestampMillis) {
    return Math.floorDiv(timestampMillis, HOUR_MILLIS);
  }

  static long hourEndMillis(long hour) {
    return (hour + 1) * HOUR_MILLIS;
  }

  Path hourDirectory(String topic, long hour) {
    ZonedDateTime start = Instant.ofEpochMilli(hour * HOUR_MILLIS).atZone(ZoneOffset.UTC);
    return topicDirectory(topic)
        .resolve("dt=" + start.toLocalDate())
        .resolve("hr=%02d".formatted(start.getHour()));
  }

  /** The hour of a {@code dt=YYYY-MM-DD/hr=HH} folder, or empty when it is not one. */
  static Optional<Long> hourOfDirectory(Path hourDirectory) {
    Matcher hour = HOUR.matcher(hourDirectory.getFileName().toString());
    Path parent = hourDirectory.getParent();
    if (!hour.matches() || parent == null) {
      return Optional.empty();
    }
    Matcher day = DAY.matcher(parent.getFileName().toString());
    if (!day.matches()) {
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

  static boolean isTemporary(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  static Optional<DataFile> parse(Path file) {
    Matcher matcher = DATA_FILE.matcher(file.getFileName().toString());
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
