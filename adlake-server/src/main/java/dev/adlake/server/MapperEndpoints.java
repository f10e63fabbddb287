package dev.adlake.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.MapperConfig;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.identity.MappingSink;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The mapper service: {@code GET /mapping/sync}, the cookie-sync call of our pixel and of partners,
 * and {@code POST /mapping/bulk}, a partner's file of mappings. Each mapping becomes a {@link
 * MappingEvent}, built (and so validated) before anything is sent; an answer is given only once the
 * {@link MappingSink} has acknowledged the events, and a request that breaks a rule sends nothing.
 */
final class MapperEndpoints {
  /** Our first-party cookie, holding our user id. */
  static final String COOKIE = "adlake_uid";

  /** How long the browser keeps our cookie; every sync call renews it. */
  static final Duration COOKIE_MAX_AGE = Duration.ofDays(365);

  /** The optional first line of a bulk file. */
  static final String BULK_HEADER = "partner_id,user_id,event_time";

  /** A transparent 1×1 GIF89a: two-colour palette, colour 0 transparent, one pixel of colour 0. */
  static final byte[] PIXEL_GIF =
      HexFormat.of()
          .parseHex(
              "474946383961" // GIF89a
                  + "01000100800000" // 1×1 screen, a global palette of 2 colours
                  + "000000ffffff" // the palette: black, white
                  + "21f9040100000000" // graphic control: colour 0 is transparent
                  + "2c000000000100010000" // image descriptor: 1×1 at 0,0
                  + "0202440100" // LZW code size 2, one 2-byte block, block end
                  + "3b"); // trailer

  private static final HexFormat HEX = HexFormat.of();

  /** Bad lines named in one answer; the count says how many there were in all. */
  private static final int MAX_LINES_REPORTED = 10;

  /** Longest part of a given value quoted back in an error. */
  private static final int MAX_QUOTED = 80;

  private final MapperConfig config;
  private final MappingSink sink;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  // On the system clock whatever the events' clock is: a test's fixed clock would never refill.
  private final ClientLimits.Rate syncRate;

  MapperEndpoints(MapperConfig config, MappingSink sink, Clock clock) {
    this.config = requireNonNull(config, "config is null");
    this.sink = requireNonNull(sink, "sink is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.syncRate = new ClientLimits.Rate(config.syncPerSecond(), Clock.systemUTC());
  }

  void register(Javalin javalin, ObjectMapper json) {
    javalin.get("/mapping/sync", this::sync);
    javalin.post("/mapping/bulk", AdlakeServer.json(json, this::bulk));
  }

  /**
   * Records that the partner knows this browser as {@code partner_id}: reads our cookie or makes a
   * new id, sends one {@code pixel} event, and answers the pixel or the partner's redirect.
   */
  void sync(Context context) {
    if (!syncRate.tryTake(context.ip())) {
      throw new AccessDeniedException(
          429,
          "Too many cookie-sync calls from %s: at most %d a second (mapper.sync-per-second)"
              .formatted(context.ip(), config.syncPerSecond()),
          OptionalLong.of(1));
    }
    String partner = partner(context);
    String partnerId = context.queryParam("partner_id");
    if (partnerId == null || partnerId.isEmpty()) {
      throw new BadParameterException(
          "partner_id", "partner_id is missing: give the partner's id of this browser");
    }
    String cookie = context.cookie(COOKIE);
    String userId =
        cookie != null && MappingEvent.OUR_ID.matcher(cookie).matches() ? cookie : newUserId();
    MappingEvent event;
    try {
      event =
          new MappingEvent(
              UUID.randomUUID().toString(),
              clock.instant(),
              partner,
              partnerId,
              userId,
              config.region(),
              MappingEvent.PIXEL);
    } catch (InvalidInputException e) {
      // The partner is a configured one, the region was checked at start-up and the user id is
      // ours: the partner's id is what broke a rule.
      throw new BadParameterException("partner_id", e.getMessage());
    }
    sink.send(List.of(event));

    // Set on every call, so the cookie lives a year after the last visit.
    context.cookie(cookie(userId, secure(context)));
    context.header("Cache-Control", "no-store");
    String template = config.redirects().get(partner);
    if (template != null) {
      // Our ids are URL-safe Base64 (MappingEvent.OUR_ID): nothing in them needs encoding.
      context.redirect(template.replace(MapperConfig.USER_ID, userId), HttpStatus.FOUND);
    } else {
      context.contentType("image/gif").result(PIXEL_GIF);
    }
  }

  /**
   * Reads a partner's file of {@code partner_id,user_id[,event_time]} lines, {@code user_id} one of
   * ours ({@link MappingEvent#OUR_ID}), checks every line, and sends one {@code bulk} event a line,
   * or none when any line is bad.
   */
  Map<String, Object> bulk(Context context) {
    String partner = partner(context);
    String text = utf8(body(context));
    Instant now = clock.instant();
    MessageDigest sha256 = sha256();
    String[] lines = text.split("\n", -1);
    List<MappingEvent> events = new ArrayList<>(lines.length);
    List<String> problems = new ArrayList<>();
    int badLines = 0;
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isEmpty() || (i == 0 && isHeader(line))) {
        continue;
      }
      try {
        events.add(bulkEvent(sha256, partner, line, now));
      } catch (InvalidInputException e) {
        badLines++;
        if (problems.size() < MAX_LINES_REPORTED) {
          problems.add("line %d ('%s'): %s".formatted(i + 1, quoted(line), e.getMessage()));
        }
      }
    }
    if (badLines > 0) {
      throw new InvalidInputException(
          "Cannot accept the file of partner '%s': %d bad line%s, nothing was sent; %s%s"
              .formatted(
                  partner,
                  badLines,
                  badLines == 1 ? "" : "s",
                  String.join("; ", problems),
                  badLines > problems.size() ? "; ..." : ""));
    }
    if (!events.isEmpty()) {
      sink.send(events);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("partner", partner);
    answer.put("accepted", events.size());
    return answer;
  }

  private MappingEvent bulkEvent(MessageDigest sha256, String partner, String line, Instant now) {
    String[] fields = line.split(",", -1);
    if (fields.length < 2 || fields.length > 3) {
      throw new InvalidInputException(
          "%d field%s, expected partner_id,user_id[,event_time]"
              .formatted(fields.length, fields.length == 1 ? "" : "s"));
    }
    if (fields[0].startsWith("\"")) {
      // We read plain fields: a quote is CSV quoting we would otherwise keep in the id.
      throw new InvalidInputException(
          "Field 'partner_id' is quoted: send the fields without quotes");
    }
    if (!MappingEvent.OUR_ID.matcher(fields[1]).matches()) {
      throw new InvalidInputException(
          "Field 'user_id' is not one of our ids (22 letters, digits, '_' or '-', as in our"
              + " cookie %s): '%s'".formatted(COOKIE, quoted(fields[1])));
    }
    Instant eventTime = now;
    if (fields.length == 3 && !fields[2].isEmpty()) {
      try {
        eventTime = Instant.parse(fields[2]);
      } catch (DateTimeParseException e) {
        throw new InvalidInputException(
            "Field 'event_time' is not an ISO-8601 instant such as 2026-03-01T12:00:00Z: '%s'"
                .formatted(quoted(fields[2])));
      }
    }
    return new MappingEvent(
        bulkEventId(sha256, partner, fields[0], fields[1], eventTime),
        eventTime,
        partner,
        fields[0],
        fields[1],
        config.region(),
        MappingEvent.BULK);
  }

  /**
   * The event id of a bulk line: the first 32 hex digits of the SHA-256 of partner, partner id,
   * user id and event time, so that a file uploaded twice gives the same ids and downstream drops
   * the second copy. A line without an event time takes the time of its upload, and so a new id.
   *
   * @param sha256 the request's digest, reused line after line ({@code digest} resets it)
   */
  private static String bulkEventId(
      MessageDigest sha256, String partner, String partnerId, String userId, Instant eventTime) {
    // Ids hold no control characters, so a newline keeps the parts apart.
    String key = String.join("\n", partner, partnerId, userId, eventTime.toString());
    byte[] digest = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
    return HEX.formatHex(digest, 0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private String partner(Context context) {
    String partner = context.queryParam("partner");
    if (partner == null || partner.isEmpty()) {
      throw new BadParameterException(
          "partner", "partner is missing: give one of " + String.join(", ", config.partners()));
    }
    if (!config.partners().contains(partner)) {
      throw new BadParameterException(
          "partner",
          "partner is '%s', must be one of %s"
              .formatted(quoted(partner), String.join(", ", config.partners())));
    }
    return partner;
  }

  /** The request body, refused with a 413 past the configured size. */
  private byte[] body(Context context) {
    long limit = config.maxBulkBytes();
    String tooLarge =
        "Cannot accept a file of more than %d MiB (mapper.max-bulk-mib): split it"
            .formatted(config.maxBulkMebibytes());
    if (context.contentLength() > limit) {
      throw new PayloadTooLargeException(
          tooLarge + "; this one is %d bytes".formatted(context.contentLength()));
    }
    try (InputStream in = context.req().getInputStream()) {
      byte[] body = in.readNBytes((int) limit + 1);
      if (body.length > limit) {
        throw new PayloadTooLargeException(tooLarge);
      }
      return body;
    } catch (IOException e) {
      throw new InvalidInputException("Cannot read the uploaded file: " + e.getMessage(), e);
    }
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("Cannot read the uploaded file: it is not UTF-8 text");
    }
  }

  private static boolean isHeader(String line) {
    return line.equals(BULK_HEADER) || line.equals("partner_id,user_id");
  }

  private String newUserId() {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  /**
   * Our cookie: for every path, a year, out of reach of scripts; sent on third-party requests
   * (SameSite=None, which browsers only take with Secure) when the call came over HTTPS.
   */
  private static Cookie cookie(String userId, boolean secure) {
    Cookie cookie = new Cookie(COOKIE, userId);
    cookie.setPath("/");
    cookie.setMaxAge((int) COOKIE_MAX_AGE.toSeconds());
    cookie.setHttpOnly(true);
    cookie.setSecure(secure);
    cookie.setSameSite(secure ? SameSite.NONE : SameSite.LAX);
    return cookie;
  }

  /** HTTPS directly or, behind a load balancer that ends TLS, as it says in X-Forwarded-Proto. */
  private static boolean secure(Context context) {
    return "https".equalsIgnoreCase(context.scheme())
        || "https".equalsIgnoreCase(context.header("X-Forwarded-Proto"));
  }

  private static String quoted(String value) {
    return value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "...";
  }
}
