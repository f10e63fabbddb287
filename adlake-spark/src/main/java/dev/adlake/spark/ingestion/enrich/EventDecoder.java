package dev.adlake.spark.ingestion.enrich;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.spark.ingestion.enrich.EventFailure.Stage;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Decodes the payload of an {@code ingested-<source>} record into a {@link SourceEvent}: Avro
 * single-object encoding of the declared bid-request schema for {@value StreamTopics#BIDS}, a JSON
 * object for every other source (see {@link StreamTopics}); and a record of {@value
 * StreamTopics#MAPPING} into a {@link MappingEvent}. Not thread-safe: one per task.
 */
final class EventDecoder {
  static final Set<String> WEB_EVENT_TYPES = Set.of("page_view", "impression", "click");
  static final String BID_REQUEST = "bid_request";

  private static final JsonFactory JSON = new JsonFactory();

  /** Reads whole mapping records: one object and nothing after it. */
  private static final ObjectMapper TREES =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  // Positions of the bid request's fields, to read them without a lookup by name.
  private static final int REQUEST_ID = bidField("request_id");
  private static final int EVENT_TIME = bidField("event_time");
  private static final int USER_ID = bidField("user_id");
  private static final int IP = bidField("ip");
  private static final int USER_AGENT = bidField("user_agent");
  private static final int SITE_URL = bidField("site_url");
  private static final int AD_SLOT = bidField("ad_slot");
  private static final int FLOOR_PRICE_MICROS = bidField("floor_price_micros");

  private final BinaryMessageDecoder<GenericRecord> bids =
      new BinaryMessageDecoder<>(GenericData.get(), StreamTopics.bidRequestSchema());

  /** The event of one record of the given source; throws {@link EventFailure} when it has none. */
  SourceEvent decode(String source, byte[] payload) {
    if (payload == null || payload.length == 0) {
      throw new EventFailure(Stage.PARSE, "The record has no value");
    }
    return StreamTopics.BIDS.equals(source) ? decodeBid(payload) : decodeJson(payload);
  }

  /**
   * The mapping event of one {@value StreamTopics#MAPPING} record, validated by the contract's
   * {@link MappingEvent#fromJson(JsonNode)}; throws {@link EventFailure} when it has none.
   */
  MappingEvent decodeMapping(byte[] payload) {
    if (payload == null || payload.length == 0) {
      throw new EventFailure(Stage.PARSE, "The record has no value");
    }
    JsonNode node;
    try {
      node = TREES.readTree(payload);
    } catch (IOException e) {
      throw new EventFailure(Stage.PARSE, "Not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new EventFailure(Stage.PARSE, "Not a JSON object");
    }
    try {
      return MappingEvent.fromJson(node);
    } catch (InvalidInputException e) {
      throw new EventFailure(Stage.VALIDATE, e.getMessage());
    }
  }

  private SourceEvent decodeBid(byte[] payload) {
    GenericRecord record;
    try {
      record = bids.decode(payload);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new EventFailure(
          Stage.PARSE, "Not an Avro bid request of the declared schema: " + e.getMessage());
    }
    // The schema guarantees presence and types; what is left is the format of the values.
    String requestId = record.get(REQUEST_ID).toString();
    if (requestId.isBlank()) {
      throw new EventFailure(Stage.VALIDATE, "request_id: is blank");
    }
    return new SourceEvent(
        requestId,
        BID_REQUEST,
        (Long) record.get(EVENT_TIME),
        text(record.get(USER_ID)),
        record.get(IP).toString(),
        text(record.get(USER_AGENT)),
        text(record.get(SITE_URL)),
        null,
        record.get(AD_SLOT).toString(),
        (Long) record.get(FLOOR_PRICE_MICROS));
  }

  private static int bidField(String name) {
    return StreamTopics.bidRequestSchema().getField(name).pos();
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static SourceEvent decodeJson(byte[] payload) {
    String eventId = null;
    String eventType = null;
    String eventTime = null;
    String userId = null;
    String ip = null;
    String userAgent = null;
    String pageUrl = null;
    String referrer = null;
    // A malformed document is a parse failure even when a field before the damage is also wrong.
    String invalid = null;
    try (JsonParser parser = JSON.createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new EventFailure(Stage.PARSE, "Not a JSON object");
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        String text = null;
        if (value == JsonToken.VALUE_STRING) {
          text = parser.getText();
        } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
        }
        boolean known = true;
        switch (name) {
          case "event_id" -> eventId = text;
          case "event_type" -> eventType = text;
          case "event_time" -> eventTime = text;
          case "user_id" -> userId = text;
          case "ip" -> ip = text;
          case "user_agent" -> userAgent = text;
          case "page_url" -> pageUrl = text;
          case "referrer" -> referrer = text;
          default -> known = false;
        }
        if (known && text == null && value != JsonToken.VALUE_NULL && invalid == null) {
          invalid = name + ": expected a string, got " + describe(value);
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw new EventFailure(Stage.PARSE, "Not a single JSON object");
      }
    } catch (IOException e) {
      throw new EventFailure(Stage.PARSE, "Not valid JSON: " + firstLine(e.getMessage()));
    }
    if (invalid != null) {
      throw new EventFailure(Stage.VALIDATE, invalid);
    }
    require("event_id", eventId);
    require("event_type", eventType);
    require("event_time", eventTime);
    require("ip", ip);
    if (!WEB_EVENT_TYPES.contains(eventType)) {
      throw new EventFailure(
          Stage.VALIDATE,
          "event_type: '%s' is not one of page_view, impression, click".formatted(eventType));
    }
    long millis;
    try {
      millis = instantMillis(eventTime);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new EventFailure(
          Stage.VALIDATE,
          "event_time: '%s' is not an ISO-8601 instant (2026-11-23T10:00:00Z)"
              .formatted(eventTime));
    }
    return new SourceEvent(
        eventId, eventType, millis, userId, ip, userAgent, pageUrl, referrer, null, null);
  }

  /**
   * Milliseconds of an ISO-8601 instant: the usual {@code 2026-11-23T10:00:00[.fff]Z} read directly
   * (Instant.parse's general formatter dominated decoding), anything else by Instant.parse.
   */
  static long instantMillis(String text) {
    int length = text.length();
    if (length >= 20
        && length <= 30
        && text.charAt(4) == '-'
        && text.charAt(7) == '-'
        && text.charAt(10) == 'T'
        && text.charAt(13) == ':'
        && text.charAt(16) == ':'
        && text.charAt(length - 1) == 'Z') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 7);
      int day = digits(text, 8, 10);
      int hour = digits(text, 11, 13);
      int minute = digits(text, 14, 16);
      int second = digits(text, 17, 19);
      int millis = 0;
      boolean simple = year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0;
      simple &= second >= 0;
      if (length > 20) {
        // A fraction of 1 to 9 digits after the point.
        int fraction = digits(text, 20, length - 1);
        simple &= text.charAt(19) == '.' && fraction >= 0;
        if (simple) {
          int scale = length - 21;
          millis = scale >= 3 ? digits(text, 20, 23) : fraction * (scale == 1 ? 100 : 10);
        }
      }
      if (simple
          && month >= 1
          && month <= 12
          && day >= 1
          && day <= YearMonth.of(year, month).lengthOfMonth()
          && hour <= 23
          && minute <= 59
          && second <= 59) {
        long days = LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
      }
    }
    return Instant.parse(text).toEpochMilli();
  }

  /** The decimal number in text[from, to), or -1 when any of it is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static void require(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new EventFailure(Stage.VALIDATE, field + ": is missing");
    }
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> String.valueOf(token);
    };
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
