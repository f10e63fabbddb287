package dev.adlake.core.config;

import java.nio.file.Path;
import java.util.List;

/** The landing zone: where partner files arrive before they are loaded into the lake. */
public record LandingConfig(Path path) {
  public static final ConfigKey<Path> PATH =
      ConfigKey.of(
          "landing.path",
          ValueType.path(),
          "${home}/landing",
          "Folder partner files land in, one sub-folder per source and feed");

  static List<ConfigKey<?>> keys() {
    return List.of(PATH);
  }

  static LandingConfig from(ConfigValues values) {
    return new LandingConfig(values.get(PATH));
  }
}
