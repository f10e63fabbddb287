package dev.adlake.server;

import dev.adlake.core.access.ApiToken;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.metadata.JdbcAudit;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/whoami}, {@code /api/tokens} and {@code /api/audit}: who calls, and who changed what.
 */
final class AccessEndpoints {
  private final ServerConfig config;
  private final JdbcApiTokens tokens;
  private final JdbcAudit audit;

  AccessEndpoints(ServerConfig config, JdbcApiTokens tokens, JdbcAudit audit) {
    this.config = config;
    this.tokens = tokens;
    this.audit = audit;
  }

  Object whoami(Context context) {
    if (!config.auth()) {
      return Map.of("auth", false);
    }
    ApiToken caller = ApiAccess.caller(context);
    return Map.of("auth", true, "name", caller.name(), "scope", caller.scope().label());
  }

  Object tokens(Context context) {
    List<Map<String, Object>> listed =
        tokens.list().stream()
            .map(
                token -> {
                  Map<String, Object> entry = new LinkedHashMap<>();
                  entry.put("name", token.name());
                  entry.put("scope", token.scope().label());
                  entry.put("startsWith", token.prefix());
                  entry.put("createdBy", token.createdBy());
                  entry.put("createdAt", token.createdAt().toString());
                  entry.put("lastUsedAt", text(token.lastUsedAt()));
                  entry.put("revokedAt", text(token.revokedAt()));
                  return entry;
                })
            .toList();
    return Map.of("tokens", listed);
  }

  Object audit(Context context) {
    List<Map<String, Object>> entries =
        audit.recent(ApiParameters.limit(context, 100, config)).stream()
            .map(
                entry -> {
                  Map<String, Object> listed = new LinkedHashMap<>();
                  listed.put("id", entry.id());
                  listed.put("at", entry.at().toString());
                  listed.put("actor", entry.actor());
                  listed.put("action", entry.action());
                  listed.put("target", entry.target());
                  listed.put("details", entry.details());
                  return listed;
                })
            .toList();
    return Map.of("entries", entries);
  }

  private static String text(Optional<Instant> instant) {
    return instant.map(Instant::toString).orElse(null);
  }
}
