package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.access.Scope;
import dev.adlake.core.metadata.JdbcApiTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may call the API: every route asks for a token, a token's scope bounds what it may do, and a
 * client that guesses tokens is throttled while others are served.
 */
class ApiAccessIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  static ServingFixture fixture;
  static JdbcApiTokens tokens;

  @BeforeAll
  static void start() {
    fixture = ServingFixture.get();
    tokens = new JdbcApiTokens(fixture.store.dataSource());
  }

  @Test
  void everyApiRouteOfTheOpenApiDescriptionAnswers401WithoutAToken() throws Exception {
    String read = tokens.create("access-it-read", Scope.READ, "tests").secret();
    List<String> paths = apiPaths();
    assertThat(paths).contains("/api/metrics", "/api/runs", "/api/audit", "/api/whoami");
    for (String path : paths) {
      String url = fixture.server.url() + path.replace("{id}", "1");
      HttpResponse<String> none = get(url, Map.of());
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .as(path)
          .hasValue("Bearer realm=\"adlake\"");
      assertThat(JSON.readTree(none.body()).get("error").asText())
          .as(path)
          .startsWith("This needs an API token");
      HttpResponse<String> withToken = get(url, bearer(read));
      assertThat(withToken.statusCode()).as(path).isNotIn(401, 429);
    }
  }

  @Test
  void aTokenOfTooSmallAScopeGets403AndTheAuditLogShowsWhoMadeTokens() throws Exception {
    String read = tokens.create("access-it-reader", Scope.READ, "alice@host").secret();
    String admin = tokens.create("access-it-admin", Scope.ADMIN, "alice@host").secret();
    HttpResponse<String> refused = get(fixture.server.url() + "/api/audit", bearer(read));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).get("error").asText())
        .isEqualTo("Token 'access-it-reader' has scope read; GET /api/audit needs admin");
    assertThat(get(fixture.server.url() + "/api/tokens", bearer(read)).statusCode()).isEqualTo(403);

    JsonNode whoami = JSON.readTree(get(fixture.server.url() + "/api/whoami", bearer(read)).body());
    assertThat(whoami.get("name").asText()).isEqualTo("access-it-reader");
    assertThat(whoami.get("scope").asText()).isEqualTo("read");

    HttpResponse<String> audit = get(fixture.server.url() + "/api/audit?limit=500", bearer(admin));
    assertThat(audit.statusCode()).isEqualTo(200);
    List<String> made = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(audit.body()).get("entries")) {
      if (entry.get("action").asText().equals("token.create")
          && entry.get("actor").asText().equals("alice@host")) {
        made.add(entry.get("target").asText() + " " + entry.get("details").asText());
      }
    }
    assertThat(made)
        .contains(
            "access-it-reader {\"scope\": \"read\"}", "access-it-admin {\"scope\": \"admin\"}");
    JsonNode listed =
        JSON.readTree(get(fixture.server.url() + "/api/tokens", bearer(admin)).body());
    assertThat(listed.toString()).contains("access-it-reader").doesNotContain(read);
  }

  @Test
  void aRevokedTokenIsRefused() throws Exception {
    String secret = tokens.create("access-it-revoked", Scope.READ, "tests").secret();
    tokens.revoke("access-it-revoked", "tests");
    HttpResponse<String> refused = get(fixture.server.url() + "/api/status", bearer(secret));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(refused.body()).get("error").asText())
        .isEqualTo("The API token is not valid: unknown or revoked");
  }

  @Test
  void aBruteForceOfTokensIsThrottledWhileAnotherClientIsServed() {
    String good = tokens.create("access-it-brute", Scope.READ, "tests").secret();
    // A server of its own, so that the throttled client does not slow the module's other tests.
    try (AdlakeServer server =
        AdlakeServer.start(ServingFixture.CONFIG, fixture.store.dataSource())) {
      String status = server.url() + "/api/status";
      String attacker = "127.0.0.2";
      for (int guess = 0; guess < ApiAccess.FAILURE_LIMIT; guess++) {
        assertThat(
                LoopbackClients.status(
                    attacker, status, Map.of("Authorization", "Bearer adl_guess" + guess)))
            .as("guess %d", guess)
            .isEqualTo(401);
      }
      // Throttled now: even the right token is refused from that client...
      assertThat(LoopbackClients.status(attacker, status, bearer(good))).isEqualTo(429);
      assertThat(LoopbackClients.status(attacker, status, Map.of("Authorization", "Bearer adl_x")))
          .isEqualTo(429);
      // ...while another client is served.
      assertThat(LoopbackClients.status("127.0.0.3", status, bearer(good))).isEqualTo(200);
    }
  }

  @Test
  void theLoginSetsASessionCookieThatTheApiAcceptsUntilLogout() throws Exception {
    String secret = tokens.create("access-it-login", Scope.READ, "tests").secret();
    HttpResponse<String> login =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(fixture.server.url() + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + secret + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(login.body()).get("name").asText()).isEqualTo("access-it-login");
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith(ApiAccess.SESSION_COOKIE + "=").contains("HttpOnly");
    assertThat(cookie.toLowerCase()).contains("samesite=strict");
    String session = cookie.substring(0, cookie.indexOf(';'));

    assertThat(get(fixture.server.url() + "/api/status", Map.of("Cookie", session)).statusCode())
        .isEqualTo(200);
    HttpResponse<String> logout =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(fixture.server.url() + "/logout"))
                .header("Cookie", session)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(logout.statusCode()).isEqualTo(200);
    assertThat(get(fixture.server.url() + "/api/status", Map.of("Cookie", session)).statusCode())
        .isEqualTo(401);
  }

  @Test
  void theDashboardsPagesAndTheMetricsStayReachableForTheLoginAndPrometheus() throws Exception {
    for (String path : List.of("/", "/runs.html", "/login.html", "/login.js", "/openapi.json")) {
      assertThat(get(fixture.server.url() + path, Map.of()).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(get(fixture.server.url() + "/metrics", Map.of()).body())
        .contains("adlake_http_server_requests_seconds");
  }

  /** The paths under /api of the server's own OpenAPI description, with GET operations. */
  private static List<String> apiPaths() throws Exception {
    JsonNode openApi =
        JSON.readTree(get(fixture.server.url() + "/openapi.json", Map.of()).body()).get("paths");
    List<String> paths = new ArrayList<>();
    for (Iterator<String> names = openApi.fieldNames(); names.hasNext(); ) {
      String path = names.next();
      if (path.startsWith("/api/") && openApi.get(path).has("get")) {
        paths.add(path);
      }
    }
    return paths;
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> get(String url, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
