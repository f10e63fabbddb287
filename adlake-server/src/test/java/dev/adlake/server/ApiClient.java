package dev.adlake.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Asks the running server for JSON in tests. */
final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Per server (its base URL), the token sent to it. */
  private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  record Answer(int status, JsonNode body) {}

  private ApiClient() {}

  /** Sends that token with every request to the server at that base URL. */
  static void authorize(String serverUrl, String token) {
    TOKENS.put(serverUrl, token);
  }

  static Answer get(String url) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
      TOKENS.entrySet().stream()
          .filter(server -> url.startsWith(server.getKey() + "/"))
          .findFirst()
          .ifPresent(server -> request.header("Authorization", "Bearer " + server.getValue()));
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), MAPPER.readTree(response.body()));
    } catch (Exception e) {
      throw new IllegalStateException("Cannot GET " + url + ": " + e, e);
    }
  }

  static JsonNode ok(String url) {
    Answer answer = get(url);
    if (answer.status() != 200) {
      throw new AssertionError(
          "GET " + url + " answered " + answer.status() + ": " + answer.body());
    }
    return answer.body();
  }
}
