package dev.adlake.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Asks the running server for JSON in tests. */
final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  record Answer(int status, JsonNode body) {}

  private ApiClient() {}

  static Answer get(String url) {
    try {
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
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
