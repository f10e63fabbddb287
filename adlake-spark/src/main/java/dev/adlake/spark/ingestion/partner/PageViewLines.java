package dev.adlake.spark.ingestion.partner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A partner's page-view line as the tracker's JSON event ({@link
 * dev.adlake.core.stream.StreamTopics}): event id, {@code page_view}, time, the partner's user id,
 * IP, user agent, page URL and referrer. The event id is the file's id and the line number, so the
 * same line always makes the same event.
 *
 * <p>A line that cannot be read (wrong number of columns, not JSON) still becomes an event, with
 * the line and the reason in it and no event type: the enricher refuses it and keeps it, payload
 * and all, in the failed events. Nothing a partner sent is dropped silently.
 */
final class PageViewLines {
  /** ShareThis's TSV columns, in order. */
  static final int SHARETHIS_COLUMNS = 7;

  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper TREES = new ObjectMapper();

  /** The formats partners deliver page views in. */
  enum Format {
    /**
     * ShareThis: TSV without header: stid, timestamp_ms, url, referrer, ip, user_agent, keywords.
     */
    SHARETHIS_TSV,
    /** 33Across: JSON lines: uid, ts (epoch seconds), page {url, referrer}, device {ip, ua}. */
    THIRTYTHREEACROSS_JSON
  }

  /** An event: its user id (the Kafka key), its JSON and whether the line was read. */
  record Event(String userId, byte[] json, boolean read) {}

  private PageViewLines() {}

  static Event convert(Format format, String eventId, String line) {
    return switch (format) {
      case SHARETHIS_TSV -> sharethis(eventId, line);
      case THIRTYTHREEACROSS_JSON -> thirtyThreeAcross(eventId, line);
    };
  }

  private static Event sharethis(String eventId, String line) {
    String[] f = line.split("\t", -1);
    if (f.length != SHARETHIS_COLUMNS) {
      return unreadable(
          eventId,
          line,
          "expected %d tab-separated columns, found %d".formatted(SHARETHIS_COLUMNS, f.length));
    }
    String time;
    try {
      time = Instant.ofEpochMilli(Long.parseLong(f[1])).toString();
    } catch (NumberFormatException e) {
      // The enricher's validation names the field and the value.
      time = f[1];
    }
    return new Event(f[0], event(eventId, time, f[0], f[4], f[5], f[2], f[3], f[6]), true);
  }

  private static Event thirtyThreeAcross(String eventId, String line) {
    JsonNode node;
    try {
      node = TREES.readTree(line);
    } catch (IOException e) {
      return unreadable(
          eventId, line, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (node == null || !node.isObject()) {
      return unreadable(eventId, line, "not a JSON object");
    }
    String userId = text(node.path("uid"));
    JsonNode ts = node.path("ts");
    String time = ts.canConvertToLong() ? Instant.ofEpochSecond(ts.asLong()).toString() : text(ts);
    return new Event(
        userId,
        event(
            eventId,
            time,
            userId,
            text(node.path("device").path("ip")),
            text(node.path("device").path("ua")),
            text(node.path("page").path("url")),
            text(node.path("page").path("referrer")),
            null),
        true);
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  private static byte[] event(
      String eventId,
      String time,
      String userId,
      String ip,
      String userAgent,
      String url,
      String referrer,
      String keywords) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("event_id", eventId);
      json.writeStringField("event_type", "page_view");
      field(json, "event_time", time);
      field(json, "user_id", userId);
      field(json, "ip", ip);
      field(json, "user_agent", userAgent);
      field(json, "page_url", url);
      field(json, "referrer", referrer == null || referrer.isEmpty() ? null : referrer);
      field(json, "keywords", keywords == null || keywords.isEmpty() ? null : keywords);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Event unreadable(String eventId, String line, String reason) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("event_id", eventId);
      json.writeStringField("unreadable_line", line);
      json.writeStringField("reason", reason);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Event(null, out.toByteArray(), false);
  }

  private static void field(JsonGenerator json, String name, String value) throws IOException {
    if (value != null) {
      json.writeStringField(name, value);
    }
  }
}
