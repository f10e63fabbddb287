package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.adlake.core.ExternalFailureException;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The PostgreSQL database adlake keeps its metadata in, with its schema migrated by Flyway on open.
 * One pool per process.
 */
public final class MetadataStore implements AutoCloseable {
  /** The schema of adlake's own tables (ledger, runs); the Iceberg catalog keeps its own. */
  public static final String SCHEMA = "adlake";

  private final HikariDataSource dataSource;
  private final String jdbcUrl;
  private final String user;
  private final Optional<String> password;

  private MetadataStore(
      HikariDataSource dataSource, String jdbcUrl, String user, Optional<String> password) {
    this.dataSource = dataSource;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /**
   * Connects and migrates the schema to the latest version.
   *
   * @throws ExternalFailureException when the database cannot be reached or migrated
   */
  public static MetadataStore open(
      String jdbcUrl, String user, Optional<String> password, int poolSize) {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    password.ifPresent(config::setPassword);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setPoolName("adlake-metadata");
    config.setInitializationFailTimeout(10_000);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new ExternalFailureException(
          "Cannot connect to PostgreSQL at %s as %s: %s".formatted(jdbcUrl, user, e.getMessage()),
          e);
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .schemas(SCHEMA)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (FlywayException e) {
      dataSource.close();
      throw new ExternalFailureException(
          "Cannot migrate the adlake schema in %s: %s".formatted(jdbcUrl, e.getMessage()), e);
    }
    return new MetadataStore(dataSource, jdbcUrl, user, password);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public Optional<String> password() {
    return password;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
