package dev.adlake.core.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An object-created notification for the landing zone, read from S3 event notification JSON ({@code
 * {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": ...}}}]}}).
 */
public record ObjectCreated(String key, long size) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The object-created records of one notification message; other events (removals, test events)
   * are skipped.
   *
   * @throws IllegalArgumentException when the message is not S3 event notification JSON
   */
  public static List<ObjectCreated> parse(String message) {
    JsonNode root;
    try {
      root = JSON.readTree(message);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (root.has("Event") && root.path("Event").asText().equals("s3:TestEvent")) {
      return List.of();
    }
    JsonNode records = root.get("Records");
    if (records == null || !records.isArray()) {
      throw new IllegalArgumentException("no Records array");
    }
    List<ObjectCreated> created = new ArrayList<>();
    for (JsonNode record : records) {
      if (!record.path("eventName").asText().startsWith("ObjectCreated:")) {
        continue;
      }
      JsonNode object = record.path("s3").path("object");
      if (!object.hasNonNull("key")) {
        throw new IllegalArgumentException("a record has no s3.object.key");
      }
      // S3 URL-encodes keys in notifications, with '+' for spaces.
      String key = URLDecoder.decode(object.get("key").asText(), StandardCharsets.UTF_8);
      created.add(new ObjectCreated(key, object.path("size").asLong(-1)));
    }
    return created;
  }
}
