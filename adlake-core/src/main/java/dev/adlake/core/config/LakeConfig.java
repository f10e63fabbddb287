package dev.adlake.core.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The Iceberg lake: where table data lives. The catalog, named {@value #CATALOG_NAME}, is kept in
 * the metadata PostgreSQL. An {@code s3a://} warehouse is written through Iceberg's S3 file IO,
 * with the endpoint, region and credentials below (unset credentials: the AWS default chain).
 */
public record LakeConfig(
    URI warehouse,
    Optional<URI> s3Endpoint,
    String s3Region,
    boolean s3PathStyleAccess,
    Optional<String> s3AccessKeyId,
    Optional<String> s3SecretAccessKey) {
  /** The Spark catalog name every adlake table is reached through. */
  public static final String CATALOG_NAME = "lake";

  public static final ConfigKey<URI> WAREHOUSE =
      ConfigKey.of(
          "lake.warehouse",
          ValueType.uri("file", "s3a"),
          "${home}/warehouse",
          "Root of the Iceberg warehouse: a file: path or an s3a:// bucket and prefix");
  public static final ConfigKey<URI> S3_ENDPOINT =
      ConfigKey.of(
          "lake.s3.endpoint",
          ValueType.uri("http", "https"),
          null,
          "S3 endpoint for an s3a:// warehouse on an S3-compatible store; unset: AWS");
  public static final ConfigKey<String> S3_REGION =
      ConfigKey.of("lake.s3.region", ValueType.string(), "us-east-1", "S3 region");
  public static final ConfigKey<Boolean> S3_PATH_STYLE_ACCESS =
      ConfigKey.of(
          "lake.s3.path-style-access",
          ValueType.bool(),
          "false",
          "Address buckets by path (most S3-compatible stores) instead of by host name");
  public static final ConfigKey<String> S3_ACCESS_KEY_ID =
      ConfigKey.of(
          "lake.s3.access-key-id",
          ValueType.string(),
          null,
          "S3 access key; unset: the AWS default credential chain");
  public static final ConfigKey<String> S3_SECRET_ACCESS_KEY =
      ConfigKey.of(
          "lake.s3.secret-access-key",
          ValueType.secret(),
          null,
          "S3 secret key (prefer the env var); unset: the AWS default credential chain");

  static List<ConfigKey<?>> keys() {
    return List.of(
        WAREHOUSE,
        S3_ENDPOINT,
        S3_REGION,
        S3_PATH_STYLE_ACCESS,
        S3_ACCESS_KEY_ID,
        S3_SECRET_ACCESS_KEY);
  }

  static LakeConfig from(ConfigValues values) {
    return new LakeConfig(
        values.get(WAREHOUSE),
        values.find(S3_ENDPOINT),
        values.get(S3_REGION),
        values.get(S3_PATH_STYLE_ACCESS),
        values.find(S3_ACCESS_KEY_ID),
        values.find(S3_SECRET_ACCESS_KEY));
  }

  /** True when tables are written to S3 rather than a local or Hadoop file system. */
  public boolean onS3() {
    return "s3a".equals(warehouse.getScheme());
  }

  /** A folder under the warehouse's root: {@code <lake.warehouse>/<folder>}. */
  public URI underWarehouse(String folder) {
    return under(warehouse, folder);
  }

  /** A folder under a root URI, with one slash between them. */
  static URI under(URI root, String folder) {
    String text = root.toString();
    return URI.create((text.endsWith("/") ? text : text + "/") + folder);
  }
}
