package dev.adlake.core.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adlake.core.InvalidInputException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One observed cookie mapping: a partner's id for a user seen together with our own first-party id,
 * in a region, at a time. It is the payload of the {@code ingested-mapping} topic (one JSON object
 * per record, keyed by {@link #eventId()}), and the edge the identity graph is built from: the
 * nodes are {@code (partner, partnerId)} and {@code (OUR_PARTNER, userId)}.
 *
 * <p>JSON fields: {@code event_id}, {@code event_time} (ISO-8601 instant), {@code partner}, {@code
 * partner_id}, {@code user_id}, {@code region}, {@code origin} ({@code pixel} for a cookie-sync
 * call, {@code bulk} for a line of a partner's uploaded file), all required.
 */
public record MappingEvent(
    String eventId,
    Instant eventTime,
    String partner,
    String partnerId,
    String userId,
    String region,
    String origin) {

  /** The partner name of our own first-party ids in the graph. */
  public static final String OUR_PARTNER = "adlake";

  /** The origin of an event from the cookie-sync pixel. */
  public static final String PIXEL = "pixel";

  /** The origin of an event from a partner's bulk upload. */
  public static final String BULK = "bulk";

  /** Partner and region names, as {@link #NAME_RULE} says. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");

  /** The rule of {@link #NAME}, completing "must be ..." in messages and the config reference. */
  public static final String NAME_RULE =
      "1 to 40 lower-case letters, digits, '_' or '-', starting with a letter or digit";

  /**
   * Our first-party user ids, as the mapper service makes them: 128 random bits in URL-safe Base64
   * without padding, 22 characters.
   */
  public static final Pattern OUR_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  /** Longest id accepted, partner's or ours. */
  public static final int MAX_ID_LENGTH = 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  public MappingEvent {
    Objects.requireNonNull(eventTime, "eventTime");
    requireText("event_id", eventId);
    requireName("partner", partner);
    requireId("partner_id", partnerId);
    requireId("user_id", userId);
    requireName("region", region);
    if (!PIXEL.equals(origin) && !BULK.equals(origin)) {
      throw new InvalidInputException(
          "Field 'origin' must be '" + PIXEL + "' or '" + BULK + "', not '" + origin + "'");
    }
    if (OUR_PARTNER.equals(partner)) {
      throw new InvalidInputException(
          "Field 'partner' cannot be '" + OUR_PARTNER + "': that name is our own ids'");
    }
  }

  /** The JSON value of the {@code ingested-mapping} record. */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("event_id", eventId);
    node.put("event_time", eventTime.toString());
    node.put("partner", partner);
    node.put("partner_id", partnerId);
    node.put("user_id", userId);
    node.put("region", region);
    node.put("origin", origin);
    return node.toString();
  }

  /**
   * Reads a record's JSON value.
   *
   * @throws InvalidInputException naming the field that is missing or wrong
   */
  public static MappingEvent fromJson(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("Not a JSON object: " + e.getOriginalMessage());
    }
    return fromJson(node);
  }

  /**
   * Reads a record's JSON value already parsed, as a reader with its own JSON parsing does (the
   * enricher, which tells unreadable JSON from a wrong field).
   *
   * @throws InvalidInputException when it is not an object, or naming the field that is missing or
   *     wrong
   */
  public static MappingEvent fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("Not a JSON object");
    }
    String time = text(node, "event_time");
    Instant eventTime;
    try {
      eventTime = Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          "Field 'event_time' is not an ISO-8601 instant: '" + time + "'");
    }
    return new MappingEvent(
        text(node, "event_id"),
        eventTime,
        text(node, "partner"),
        text(node, "partner_id"),
        text(node, "user_id"),
        text(node, "region"),
        text(node, "origin"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidInputException("Field '" + field + "' is missing");
    }
    if (!value.isTextual()) {
      throw new InvalidInputException("Field '" + field + "' must be a string");
    }
    return value.asText();
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("Field '" + field + "' is missing or empty");
    }
  }

  private static void requireName(String field, String value) {
    requireText(field, value);
    if (!NAME.matcher(value).matches()) {
      throw new InvalidInputException(
          "Field '" + field + "' must be " + NAME_RULE + ", not '" + value + "'");
    }
  }

  private static void requireId(String field, String value) {
    requireText(field, value);
    if (value.length() > MAX_ID_LENGTH) {
      throw new InvalidInputException(
          "Field '" + field + "' is longer than " + MAX_ID_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new InvalidInputException(
            "Field '" + field + "' holds a space or control character at position " + (i + 1));
      }
    }
  }
}
