package dev.adlake.core.config;

import java.net.URI;
import java.util.List;

/**
 * The Iceberg lake: where table data lives. The catalog, named {@value #CATALOG_NAME}, is kept in
 * the metadata PostgreSQL.
 */
public record LakeConfig(URI warehouse) {
  /** The Spark catalog name every adlake table is reached through. */
  public static final String CATALOG_NAME = "lake";

  public static final ConfigKey<URI> WAREHOUSE =
      ConfigKey.of(
          "lake.warehouse",
          ValueType.uri("file", "s3a"),
          "${home}/warehouse",
          "Root of the Iceberg warehouse: a file: path or an s3a:// bucket and prefix");

  static List<ConfigKey<?>> keys() {
    return List.of(WAREHOUSE);
  }

  static LakeConfig from(ConfigValues values) {
    return new LakeConfig(values.get(WAREHOUSE));
  }
}
