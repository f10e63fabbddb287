package dev.adlake.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The partners' own buckets the raw ingester copies from.
 *
 * @param sharethisBucket ShareThis's bucket: a local folder or an {@code s3a://} prefix
 */
public record PartnersConfig(URI sharethisBucket) {
  public static final ConfigKey<URI> SHARETHIS_BUCKET =
      ConfigKey.of(
          "partners.sharethis-bucket",
          ValueType.uri("file", "s3a"),
          null,
          "ShareThis's bucket the raw ingester copies page-view files from, a folder or an"
              + " s3a://bucket/prefix; unset: <home>/partners/sharethis");

  static List<ConfigKey<?>> keys() {
    return List.of(SHARETHIS_BUCKET);
  }

  static PartnersConfig from(ConfigValues values, Path home) {
    return new PartnersConfig(
        values
            .find(SHARETHIS_BUCKET)
            .orElseGet(() -> home.resolve("partners").resolve("sharethis").toUri()));
  }
}
