package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AlreadyExistsException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.access.ApiToken;
import dev.adlake.core.access.Scope;
import dev.adlake.core.access.TokenSecrets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The API tokens in {@code adlake.api_tokens}: made, listed, revoked (each audited), and found by
 * the token a request presents.
 */
public final class JdbcApiTokens {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String COLUMNS =
      "token_id, name, scope, prefix, created_by, created_at, last_used_at, revoked_at";

  /** A token made now: the only time its secret is known. */
  public record Created(ApiToken token, String secret) {}

  private final DataSource dataSource;
  private final JdbcAudit audit;

  public JdbcApiTokens(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.audit = new JdbcAudit(dataSource);
  }

  /**
   * Makes a token of that name and scope.
   *
   * @param actor who asks, for the audit log
   * @throws AlreadyExistsException when a live token has that name
   */
  public Created create(String name, Scope scope, String actor) {
    if (!NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          "Token name '%s' is not allowed: 1 to 64 letters, digits, '.', '_' or '-'"
              .formatted(name));
    }
    if (find(name).isPresent()) {
      throw new AlreadyExistsException(
          "A live token is named '%s': revoke it first ('adlake tokens revoke %s')"
              .formatted(name, name));
    }
    String secret = TokenSecrets.newToken();
    ApiToken token =
        Jdbc.query(
                dataSource,
                "record token " + name,
                "INSERT INTO adlake.api_tokens (name, scope, token_sha256, prefix, created_by)"
                    + " VALUES (?, ?, ?, ?, ?) RETURNING "
                    + COLUMNS,
                statement -> {
                  statement.setString(1, name);
                  statement.setString(2, scope.label());
                  statement.setString(3, TokenSecrets.digest(secret));
                  statement.setString(4, TokenSecrets.shown(secret));
                  statement.setString(5, actor);
                },
                JdbcApiTokens::token)
            .get(0);
    audit.record(actor, "token.create", name, Map.of("scope", scope.label()));
    return new Created(token, secret);
  }

  /** Every token, live ones first, the newest first. */
  public List<ApiToken> list() {
    return Jdbc.query(
        dataSource,
        "list tokens",
        "SELECT "
            + COLUMNS
            + " FROM adlake.api_tokens"
            + " ORDER BY revoked_at IS NOT NULL, created_at DESC, token_id DESC",
        statement -> {},
        JdbcApiTokens::token);
  }

  /** The live token of that name. */
  public Optional<ApiToken> find(String name) {
    return Jdbc.query(
            dataSource,
            "find token " + name,
            "SELECT " + COLUMNS + " FROM adlake.api_tokens WHERE name = ? AND revoked_at IS NULL",
            statement -> statement.setString(1, name),
            JdbcApiTokens::token)
        .stream()
        .findFirst();
  }

  /**
   * Revokes the live token of that name: requests with it are refused from then on (servers cache a
   * token's check for a few seconds).
   */
  public ApiToken revoke(String name, String actor) {
    List<ApiToken> revoked =
        Jdbc.query(
            dataSource,
            "revoke token " + name,
            "UPDATE adlake.api_tokens SET revoked_at = now() WHERE name = ? AND revoked_at IS NULL"
                + " RETURNING "
                + COLUMNS,
            statement -> statement.setString(1, name),
            JdbcApiTokens::token);
    if (revoked.isEmpty()) {
      throw new NotFoundException(
          "No live token named '%s' ('adlake tokens list' shows them)".formatted(name));
    }
    audit.record(actor, "token.revoke", name, Map.of());
    return revoked.get(0);
  }

  /** The live token whose secret this is, marked as used now. */
  public Optional<ApiToken> authenticate(String secret) {
    return Jdbc.query(
            dataSource,
            "check a token",
            "UPDATE adlake.api_tokens SET last_used_at = now()"
                + " WHERE token_sha256 = ? AND revoked_at IS NULL RETURNING "
                + COLUMNS,
            statement -> statement.setString(1, TokenSecrets.digest(secret)),
            JdbcApiTokens::token)
        .stream()
        .findFirst();
  }

  private static ApiToken token(ResultSet rows) throws SQLException {
    return new ApiToken(
        rows.getLong(1),
        rows.getString(2),
        Scope.parse(rows.getString(3)),
        rows.getString(4),
        rows.getString(5),
        rows.getTimestamp(6).toInstant(),
        instant(rows.getTimestamp(7)),
        instant(rows.getTimestamp(8)));
  }

  private static Optional<Instant> instant(Timestamp timestamp) {
    return Optional.ofNullable(timestamp).map(Timestamp::toInstant);
  }
}
