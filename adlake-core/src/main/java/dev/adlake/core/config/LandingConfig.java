package dev.adlake.core.config;

import dev.adlake.core.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The landing zone: where partner files arrive before they are loaded into the lake. A local
 * folder, or an {@code s3a://bucket/prefix} reached with the {@code lake.s3.*} settings.
 */
public record LandingConfig(URI location) {
  public static final ConfigKey<URI> PATH =
      ConfigKey.of(
          "landing.path",
          ValueType.uri("file", "s3a"),
          "${home}/landing",
          "Where partner files land, one sub-folder per source and feed: a folder or an"
              + " s3a://bucket/prefix");

  static List<ConfigKey<?>> keys() {
    return List.of(PATH);
  }

  static LandingConfig from(ConfigValues values) {
    return new LandingConfig(values.get(PATH));
  }

  public boolean onS3() {
    return "s3a".equals(location.getScheme());
  }

  /**
   * The local folder of the landing zone.
   *
   * @throws InvalidInputException when the landing zone is on S3
   */
  public Path path() {
    if (onS3()) {
      throw new InvalidInputException(
          "The landing zone %s is on S3; this needs a local landing zone (landing.path)"
              .formatted(location));
    }
    return Path.of(location);
  }
}
