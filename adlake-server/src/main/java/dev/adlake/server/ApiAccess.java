package dev.adlake.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.access.ApiToken;
import dev.adlake.core.access.Scope;
import dev.adlake.core.access.TokenSecrets;
import dev.adlake.core.metadata.JdbcApiTokens;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call the API: a token in {@code Authorization: Bearer}, or the session cookie the
 * dashboard's login sets. Tokens are checked against {@code adlake.api_tokens} (a check is cached
 * for {@link #CHECK_CACHED}, so a revocation takes effect within it); a client that presents {@link
 * #FAILURE_LIMIT} bad tokens within {@link #FAILURE_WINDOW} is refused with 429 until they age out.
 */
final class ApiAccess {
  static final String SESSION_COOKIE = "adlake_session";
  static final Duration CHECK_CACHED = Duration.ofSeconds(10);
  static final Duration SESSION_LIFETIME = Duration.ofHours(12);
  static final int FAILURE_LIMIT = 10;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);
  private static final String BEARER = "Bearer ";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Set on a request once its caller is known. */
  static final String CALLER = "adlake.caller";

  private record Checked(Optional<ApiToken> token, Instant until) {}

  private record Session(String secret, Instant until) {}

  private final JdbcApiTokens tokens;
  private final Clock clock;
  private final ClientLimits.Failures failures;
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  ApiAccess(JdbcApiTokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
    this.failures = new ClientLimits.Failures(FAILURE_LIMIT, FAILURE_WINDOW, clock);
  }

  /** The scope a request needs: admin for access and the audit log, manage for changes. */
  static Scope needed(String method, String path) {
    if (path.startsWith("/api/audit") || path.startsWith("/api/tokens")) {
      return Scope.ADMIN;
    }
    return "GET".equals(method) || "HEAD".equals(method) ? Scope.READ : Scope.MANAGE;
  }

  /**
   * The caller's token when it covers {@code needed}.
   *
   * @throws AccessDeniedException 401 without a valid token, 403 when its scope is too small, 429
   *     when the client is throttled
   */
  ApiToken require(Context context, Scope needed) {
    String client = context.ip();
    refuseIfThrottled(client);
    Optional<String> secret = bearer(context).or(() -> session(context));
    if (secret.isEmpty()) {
      throw new AccessDeniedException(
          401,
          "This needs an API token: send 'Authorization: Bearer TOKEN' or log in at /login.html"
              + " (make a token with 'adlake tokens create NAME --scope read')");
    }
    ApiToken token =
        check(secret.get())
            .orElseThrow(
                () -> {
                  failures.record(client);
                  return new AccessDeniedException(
                      401, "The API token is not valid: unknown or revoked");
                });
    if (!token.scope().covers(needed)) {
      throw new AccessDeniedException(
          403,
          "Token '%s' has scope %s; %s %s needs %s"
              .formatted(
                  token.name(),
                  token.scope().label(),
                  context.method(),
                  context.path(),
                  needed.label()));
    }
    context.attribute(CALLER, token);
    return token;
  }

  /** The token of a request {@link #require} let through, for the audit log. */
  static ApiToken caller(Context context) {
    ApiToken token = context.attribute(CALLER);
    if (token == null) {
      throw new IllegalStateException("No caller on " + context.path());
    }
    return token;
  }

  /**
   * {@code POST /login} with {@code {"token": "..."}}: sets the session cookie the dashboard's
   * calls carry, and answers the token's name and scope.
   */
  Map<String, Object> login(Context context, ObjectMapper json) {
    String client = context.ip();
    refuseIfThrottled(client);
    String secret;
    try {
      JsonNode body = json.readTree(context.bodyAsBytes());
      secret = body == null || body.get("token") == null ? "" : body.get("token").asText();
    } catch (IOException e) {
      throw new BadParameterException("token", "The body is not JSON: send {\"token\": \"...\"}");
    }
    ApiToken token =
        check(secret.strip())
            .orElseThrow(
                () -> {
                  failures.record(client);
                  return new AccessDeniedException(
                      401, "The API token is not valid: unknown or revoked");
                });
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    sessions.put(sessionId, new Session(secret.strip(), clock.instant().plus(SESSION_LIFETIME)));
    Cookie cookie = new Cookie(SESSION_COOKIE, sessionId);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setPath("/");
    cookie.setMaxAge((int) SESSION_LIFETIME.toSeconds());
    cookie.setSecure(context.scheme().equals("https"));
    context.cookie(cookie);
    return Map.of("name", token.name(), "scope", token.scope().label());
  }

  /** {@code POST /logout}: forgets the session. */
  Map<String, Object> logout(Context context) {
    String sessionId = context.cookie(SESSION_COOKIE);
    if (sessionId != null) {
      sessions.remove(sessionId);
    }
    context.removeCookie(SESSION_COOKIE, "/");
    return Map.of("loggedOut", true);
  }

  private void refuseIfThrottled(String client) {
    OptionalLong wait = failures.blockedFor(client);
    if (wait.isPresent()) {
      throw new AccessDeniedException(
          429,
          "Too many invalid tokens from %s: try again in %d s".formatted(client, wait.getAsLong()),
          wait);
    }
  }

  private Optional<ApiToken> check(String secret) {
    if (!secret.startsWith(TokenSecrets.PREFIX)) {
      return Optional.empty();
    }
    String digest = TokenSecrets.digest(secret);
    Instant now = clock.instant();
    Checked cached = checked.get(digest);
    if (cached != null && cached.until().isAfter(now)) {
      return cached.token();
    }
    if (checked.size() > 10_000) {
      checked.clear();
    }
    Optional<ApiToken> token = tokens.authenticate(secret);
    checked.put(digest, new Checked(token, now.plus(CHECK_CACHED)));
    return token;
  }

  private static Optional<String> bearer(Context context) {
    String header = context.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    return Optional.of(header.substring(BEARER.length()).strip());
  }

  private Optional<String> session(Context context) {
    String sessionId = context.cookie(SESSION_COOKIE);
    if (sessionId == null) {
      return Optional.empty();
    }
    Session session = sessions.get(sessionId);
    if (session == null || !session.until().isAfter(clock.instant())) {
      sessions.remove(sessionId);
      return Optional.empty();
    }
    return Optional.of(session.secret());
  }
}
