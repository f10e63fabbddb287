package dev.adlake.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP server of {@code adlake serve}: where it listens and the limits it puts on a query.
 *
 * @param host the address the server binds to
 * @param port the TCP port; 0 picks a free one
 * @param maxRangeDays the longest time range a metrics query may cover
 * @param maxPageSize the most rows one answer may hold
 * @param auth whether the API and the dashboard ask for a token
 * @param tlsKeystore a PKCS12 keystore with the server's certificate and key: HTTPS only
 * @param tlsKeystorePassword the keystore's password
 */
public record ServerConfig(
    String host,
    int port,
    int maxRangeDays,
    int maxPageSize,
    boolean auth,
    Optional<Path> tlsKeystore,
    Optional<String> tlsKeystorePassword) {
  /** A server without TLS. */
  public ServerConfig(String host, int port, int maxRangeDays, int maxPageSize, boolean auth) {
    this(host, port, maxRangeDays, maxPageSize, auth, Optional.empty(), Optional.empty());
  }

  /** Whether the server speaks HTTPS (a keystore is configured). */
  public boolean tls() {
    return tlsKeystore.isPresent();
  }

  public static final ConfigKey<String> HOST =
      ConfigKey.of(
          "server.host",
          ValueType.string(),
          "127.0.0.1",
          "Address the HTTP server listens on; 0.0.0.0 for every interface");
  public static final ConfigKey<Integer> PORT =
      ConfigKey.of(
          "server.port",
          ValueType.integer(0, 65535),
          "8420",
          "Port of the HTTP API and dashboard; 0 picks a free one");
  public static final ConfigKey<Integer> MAX_RANGE_DAYS =
      ConfigKey.of(
          "server.max-range-days",
          ValueType.integer(1, 3660),
          "366",
          "Longest time range, in days, one metrics query may ask for");
  public static final ConfigKey<Integer> MAX_PAGE_SIZE =
      ConfigKey.of(
          "server.max-page-size",
          ValueType.integer(1, 100000),
          "1000",
          "Most rows one API answer may hold (top ads, breakdowns)");

  public static final ConfigKey<Boolean> AUTH =
      ConfigKey.of(
          "server.auth",
          ValueType.bool(),
          "true",
          "Ask every API call and dashboard visit for a token ('adlake tokens'); false only where"
              + " no one else reaches the port");

  public static final ConfigKey<Path> TLS_KEYSTORE =
      ConfigKey.of(
          "server.tls-keystore",
          ValueType.path(),
          null,
          "PKCS12 keystore with the server's certificate chain and key: the server then speaks"
              + " HTTPS only (openssl pkcs12 -export makes one from PEM files)");
  public static final ConfigKey<String> TLS_KEYSTORE_PASSWORD =
      ConfigKey.of(
          "server.tls-keystore-password",
          ValueType.secret(),
          null,
          "Password of server.tls-keystore (prefer the env var; shown masked)");

  static List<ConfigKey<?>> keys() {
    return List.of(
        HOST, PORT, MAX_RANGE_DAYS, MAX_PAGE_SIZE, AUTH, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD);
  }

  static ServerConfig from(ConfigValues values) {
    return new ServerConfig(
        values.get(HOST),
        values.get(PORT),
        values.get(MAX_RANGE_DAYS),
        values.get(MAX_PAGE_SIZE),
        values.get(AUTH),
        values.find(TLS_KEYSTORE),
        values.find(TLS_KEYSTORE_PASSWORD));
  }
}
