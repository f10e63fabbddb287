package dev.adlake.core.config;

import java.util.List;
import java.util.Optional;

/**
 * Where adlake keeps its metadata: the load ledger, run records, Iceberg catalog and serving store.
 * Without a JDBC URL an embedded PostgreSQL is started under the home folder.
 */
public record MetadataConfig(
    Optional<String> jdbcUrl,
    String user,
    Optional<String> password,
    int poolSize,
    int embeddedPort) {
  public static final ConfigKey<String> JDBC_URL =
      ConfigKey.of(
          "metadata.jdbc-url",
          ValueType.jdbcPostgresUrl(),
          null,
          "PostgreSQL to use; unset: an embedded PostgreSQL is started with its data under the home"
              + " folder");
  public static final ConfigKey<String> USER =
      ConfigKey.of("metadata.user", ValueType.string(), "postgres", "PostgreSQL user name");
  public static final ConfigKey<String> PASSWORD =
      ConfigKey.of(
          "metadata.password",
          ValueType.secret(),
          null,
          "PostgreSQL password (prefer the env var)");
  public static final ConfigKey<Integer> POOL_SIZE =
      ConfigKey.of(
          "metadata.pool-size",
          ValueType.integer(1, 200),
          "8",
          "Largest number of connections adlake opens to PostgreSQL");
  public static final ConfigKey<Integer> EMBEDDED_PORT =
      ConfigKey.of(
          "metadata.embedded-port",
          ValueType.integer(0, 65535),
          "0",
          "Port of the embedded PostgreSQL on 127.0.0.1; 0 picks a free one");

  static List<ConfigKey<?>> keys() {
    return List.of(JDBC_URL, USER, PASSWORD, POOL_SIZE, EMBEDDED_PORT);
  }

  static MetadataConfig from(ConfigValues values) {
    return new MetadataConfig(
        values.find(JDBC_URL),
        values.get(USER),
        values.find(PASSWORD),
        values.get(POOL_SIZE),
        values.get(EMBEDDED_PORT));
  }

  /** True when adlake starts and owns its PostgreSQL. */
  public boolean embedded() {
    return jdbcUrl.isEmpty();
  }
}
