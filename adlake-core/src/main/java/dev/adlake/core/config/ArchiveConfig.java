package dev.adlake.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The Kafka archive: which topics {@code adlake archive} keeps a raw copy of in the lake, under
 * {@code <directory>/<topic>/dt=YYYY-MM-DD/hr=HH/}, and when it closes files and marks hours
 * complete.
 *
 * @param topics the topics archived
 * @param directory the archive's root: a local folder or an {@code s3a://} prefix
 * @param maxRecordsPerFile a file is closed after this many records
 * @param maxFileSeconds a file is closed this many seconds after it was opened
 * @param idleGraceSeconds a partition with nothing left to read counts as having reached this many
 *     seconds before now, so the hours of a quiet topic are marked complete too
 */
public record ArchiveConfig(
    List<String> topics,
    URI directory,
    int maxRecordsPerFile,
    int maxFileSeconds,
    int idleGraceSeconds) {
  public static final ConfigKey<List<String>> TOPICS =
      ConfigKey.of(
          "archive.topics",
          ValueType.topicNames(),
          "ingested-tracker,ingested-bids,enriched-tracker,enriched-bids",
          "Kafka topics 'adlake archive' keeps a raw copy of, under dt=/hr= folders");
  public static final ConfigKey<URI> DIRECTORY =
      ConfigKey.of(
          "archive.directory",
          ValueType.uri("file", "s3a"),
          null,
          "Root of the Kafka archive, a local folder or an s3a://bucket/prefix; unset:"
              + " <lake.warehouse>/archive");
  public static final ConfigKey<Integer> MAX_RECORDS_PER_FILE =
      ConfigKey.of(
          "archive.max-records-per-file",
          ValueType.integer(1, 100_000_000),
          "100000",
          "An archive file is closed after this many records");
  public static final ConfigKey<Integer> MAX_FILE_SECONDS =
      ConfigKey.of(
          "archive.max-file-seconds",
          ValueType.integer(1, 86_400),
          "600",
          "An archive file is closed this many seconds after it was opened");
  public static final ConfigKey<Integer> IDLE_GRACE_SECONDS =
      ConfigKey.of(
          "archive.idle-grace-seconds",
          ValueType.integer(0, 86_400),
          "300",
          "A partition with nothing left to read counts as having reached now minus this, so the"
              + " hours of a quiet topic get their _SUCCESS");

  static List<ConfigKey<?>> keys() {
    return List.of(TOPICS, DIRECTORY, MAX_RECORDS_PER_FILE, MAX_FILE_SECONDS, IDLE_GRACE_SECONDS);
  }

  static ArchiveConfig from(ConfigValues values) {
    return new ArchiveConfig(
        values.get(TOPICS),
        values
            .find(DIRECTORY)
            .orElseGet(() -> LakeConfig.under(values.get(LakeConfig.WAREHOUSE), "archive")),
        values.get(MAX_RECORDS_PER_FILE),
        values.get(MAX_FILE_SECONDS),
        values.get(IDLE_GRACE_SECONDS));
  }

  /** The local folder of the archive, or empty when it is on S3. */
  public Optional<Path> localDirectory() {
    return "file".equals(directory.getScheme())
        ? Optional.of(Path.of(directory))
        : Optional.empty();
  }

  /** Where the archive is, as users read it: the local folder's path, or the {@code s3a://} URI. */
  public String location() {
    return localDirectory().map(Path::toString).orElse(directory.toString());
  }
}
