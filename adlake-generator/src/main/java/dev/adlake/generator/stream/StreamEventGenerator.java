package dev.adlake.generator.stream;

import static dev.adlake.generator.Mixer.mix;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.adlake.core.stream.StreamRecord;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.generator.ZipfSampler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Generates realistic events for the streams' Kafka topics from a fixed seed, in send order, and
 * counts their expected answers as it goes. Independent of Kafka: it yields {@link StreamRecord}s
 * that a producer sends as they are.
 *
 * <p>Events: the ad tracker's web events ({@code page_view}, {@code impression}, {@code click}) as
 * JSON on {@code ingested-tracker}, and the exchange's bid requests as Avro single-object encoding
 * on {@code ingested-bids}. People come from a Zipf-shaped population, so users repeat, each with
 * one browser and one to three addresses; robots (crawlers, scripted clients) are a few percent.
 * Addresses mostly fall in the ranges of the sample geography, pages on publisher sites carry
 * campaign parameters on a share, referrers come from search, social or the site itself. Event
 * times follow the options' pace with a little client-side lag, a few events minutes late.
 *
 * <p>Faults on purpose: a share of events is sent as a faulty record, each failing at one stage of
 * the enricher (see {@link FailureStage}); a share of valid events is re-sent, identical in key and
 * value, 1 to 5 seconds' worth of events later. Faulty records are never re-sent.
 *
 * <p>The same options give the same records, byte for byte. {@link #truth()} is the truth of the
 * records yielded so far; after the last one it is the truth of the whole stream.
 */
public final class StreamEventGenerator implements Iterator<StreamRecord> {
  /** Share of events from robots rather than people. */
  static final double ROBOT_SHARE = 0.04;

  /** Share of people's events without a user id (no cookie yet, or cookies refused). */
  static final double ANONYMOUS_SHARE = 0.12;

  /** Share of events the client sends late: minutes after they happened, not a second. */
  static final double LATE_SHARE = 0.015;

  private static final long USER_SALT = 0x5EED_0001_0000_0000L;
  private static final long ADDRESS_SALT = 0x5EED_0002_0000_0000L;
  private static final long EVENT_ID_SALT = 0x5EED_0003_0000_0000L;
  private static final long MASK_62 = (1L << 62) - 1;
  private static final DateTimeFormatter EVENT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String IMPOSSIBLE_EVENT_TIME = "2026-13-45T25:61:00.000Z";
  private static final String[] AD_SLOTS = {
    "300x250_atf",
    "300x250_btf",
    "728x90_atf",
    "160x600_sidebar",
    "320x50_mobile_banner",
    "970x250_billboard",
    "300x600_halfpage"
  };
  private static final String[] APP_BUNDLES = {
    "com.example.puzzlegame", "com.example.newsreader", "com.example.weather"
  };
  private static final String[] APP_REFERRERS = {
    "android-app://com.google.android.gm/", "android-app://com.google.android.googlequicksearchbox/"
  };

  /** The declared schema with a field it does not have: a producer on an unregistered version. */
  private static final Schema UNDECLARED_BID_SCHEMA = undeclaredBidSchema();

  private final StreamGeneratorOptions options;
  private final SplittableRandom random;
  private final IpGeography geography = IpGeography.sample();
  private final UserAgents userAgents = new UserAgents();
  private final WebPages pages = new WebPages();
  private final ZipfSampler userActivity;
  private final long startMillis;

  /**
   * Seeds the event ids from the seed and the start, so two runs that differ in start share none.
   */
  private final long streamKey;

  private final Map<String, List<FaultCase>> faultCases = new HashMap<>();
  private final Map<String, Tally> tallies = new LinkedHashMap<>();
  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
  private final JsonFactory jsonFactory = new JsonFactory();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
  private final Schema bidSchema = StreamTopics.bidRequestSchema();
  private final BinaryMessageEncoder<GenericRecord> bidEncoder =
      new BinaryMessageEncoder<>(GenericData.get(), bidSchema);
  private final BinaryMessageEncoder<GenericRecord> undeclaredBidEncoder =
      new BinaryMessageEncoder<>(GenericData.get(), UNDECLARED_BID_SCHEMA);
  private long nextEvent;
  private long pendingOrder;

  /** A valid event to send again once the stream reaches {@code due}. */
  private record Pending(long due, long order, String source, StreamRecord record) {}

  /** One event before encoding: who, where, when. */
  private static final class Event {
    String eventId;
    long eventTime;
    IpGeography.Address address;
    String userId;
    UserAgents.Agent agent;
    int host;
    String pageUrl;
  }

  public StreamEventGenerator(StreamGeneratorOptions options) {
    this.options = requireNonNull(options, "options is null");
    this.random = new SplittableRandom(mix(options.seed() ^ 0x5EED_0000_0000_0000L));
    int users = (int) Math.max(1_000L, Math.min(2_000_000L, options.events() / 4));
    this.userActivity = new ZipfSampler(users, 0.8);
    this.startMillis = options.start().toEpochMilli();
    this.streamKey = mix(options.seed() ^ EVENT_ID_SALT) ^ mix(startMillis);
    for (String source : StreamTopics.SOURCES) {
      faultCases.put(source, FaultCase.of(source));
      tallies.put(source, new Tally());
    }
  }

  @Override
  public boolean hasNext() {
    return nextEvent < options.events() || !pending.isEmpty();
  }

  @Override
  public StreamRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException("All %d events were generated".formatted(options.events()));
    }
    if (!pending.isEmpty() && (pending.peek().due <= nextEvent || nextEvent >= options.events())) {
      Pending duplicate = pending.poll();
      tallies.get(duplicate.source).duplicate();
      return duplicate.record;
    }
    return generate(nextEvent++);
  }

  /** The truth of the records yielded so far. */
  public StreamTruth truth() {
    Map<String, SourceTruth> sources = new LinkedHashMap<>();
    tallies.forEach((source, tally) -> sources.put(source, tally.truth()));
    return new StreamTruth(options, sources);
  }

  public StreamGeneratorOptions options() {
    return options;
  }

  private StreamRecord generate(long index) {
    String source =
        random.nextDouble() < options.bidShare() ? StreamTopics.BIDS : StreamTopics.TRACKER;
    Event event = new Event();
    event.eventId = eventId(index);
    event.eventTime = eventTime(index);
    if (random.nextDouble() < ROBOT_SHARE) {
      event.agent = userAgents.robot(random);
      event.address = geography.draw(random);
    } else {
      int user = userActivity.sample(random);
      long userHash = mix(options.seed() ^ USER_SALT ^ user);
      event.agent = userAgents.browserOf(mix(userHash));
      if (random.nextDouble() >= ANONYMOUS_SHARE) {
        event.userId = HexFormat.of().toHexDigits(userHash);
      }
      int addresses = 1 + (int) ((userHash >>> 40) % 3);
      int slot = random.nextInt(addresses);
      event.address =
          geography.draw(
              new SplittableRandom(mix(options.seed() ^ ADDRESS_SALT ^ ((long) user << 2 | slot))));
    }
    event.host = pages.host(random);
    event.pageUrl = pages.page(event.host, random);

    FaultCase fault = null;
    if (random.nextDouble() < options.faultRate()) {
      List<FaultCase> cases = faultCases.get(source);
      fault = cases.get(random.nextInt(cases.size()));
    }
    Tally tally = tallies.get(source);
    byte[] key = event.eventId.getBytes(StandardCharsets.UTF_8);
    byte[] value;
    try {
      if (source.equals(StreamTopics.TRACKER)) {
        value = tracker(event, fault);
      } else {
        value = bid(event, fault);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode a generated " + source + " event", e);
    }
    // A robot's event without its user agent cannot be told from a person's.
    boolean robot = event.agent != null && event.agent.robot();
    StreamRecord record = new StreamRecord(StreamTopics.ingested(source), key, value);
    if (fault != null) {
      tally.failed(fault);
      return record;
    }
    tally.valid(robot, event.address.country(), event.eventTime);
    if (random.nextDouble() < options.duplicateRate()) {
      int perSecond = options.eventsPerSecond();
      long delay =
          Math.max(1, (long) perSecond * (1 + random.nextInt(4)) + random.nextInt(perSecond));
      pending.add(new Pending(index + delay, pendingOrder++, source, record));
    }
    return record;
  }

  private byte[] tracker(Event event, FaultCase fault) throws IOException {
    double kind = random.nextDouble();
    String eventType;
    if (event.agent.robot()) {
      eventType = kind < 0.9 ? "page_view" : "impression";
    } else {
      eventType = kind < 0.58 ? "page_view" : kind < 0.94 ? "impression" : "click";
    }
    // A few browsers send no user agent (privacy extensions) and a few pages no address.
    String userAgent = random.nextDouble() < 0.01 ? null : event.agent.text();
    if (userAgent == null) {
      event.agent = null;
    }
    String pageUrl = random.nextDouble() < 0.02 ? null : event.pageUrl;
    String referrer = pages.referrer(event.host, random);
    String eventTime = EVENT_TIME.format(Instant.ofEpochMilli(event.eventTime));
    String ip = event.address.literal();

    if (fault == FaultCase.TRACKER_FORM_ENCODED) {
      String form =
          "event_id="
              + event.eventId
              + "&event_type="
              + eventType
              + "&event_time="
              + URLEncoder.encode(eventTime, StandardCharsets.UTF_8)
              + "&ip="
              + URLEncoder.encode(ip, StandardCharsets.UTF_8)
              + "&page_url="
              + URLEncoder.encode(event.pageUrl, StandardCharsets.UTF_8);
      return form.getBytes(StandardCharsets.UTF_8);
    }
    if (fault == FaultCase.TRACKER_UNKNOWN_EVENT_TYPE) {
      eventType = "conversion";
    } else if (fault == FaultCase.TRACKER_IMPOSSIBLE_EVENT_TIME) {
      eventTime = IMPOSSIBLE_EVENT_TIME;
    } else if (fault == FaultCase.TRACKER_IP_NOT_LITERAL) {
      ip = "unknown";
    } else if (fault == FaultCase.TRACKER_RELATIVE_PAGE_URL) {
      pageUrl = WebPages.pathOf(event.pageUrl);
    } else if (fault == FaultCase.TRACKER_APP_REFERRER) {
      referrer = APP_REFERRERS[random.nextInt(APP_REFERRERS.length)];
    }

    buffer.reset();
    try (JsonGenerator json = jsonFactory.createGenerator(buffer, JsonEncoding.UTF8)) {
      json.writeStartObject();
      if (fault != FaultCase.TRACKER_MISSING_EVENT_ID) {
        json.writeStringField("event_id", event.eventId);
      }
      json.writeStringField("event_type", eventType);
      json.writeStringField("event_time", eventTime);
      if (fault == FaultCase.TRACKER_IP_ARRAY) {
        // The X-Forwarded-For chain split into an array: the client, then a proxy.
        json.writeArrayFieldStart("ip");
        json.writeString(ip);
        json.writeString("10.0.0.1");
        json.writeEndArray();
      } else {
        json.writeStringField("ip", ip);
      }
      if (event.userId != null) {
        json.writeStringField("user_id", event.userId);
      }
      if (userAgent != null) {
        json.writeStringField("user_agent", userAgent);
      }
      if (pageUrl != null) {
        json.writeStringField("page_url", pageUrl);
      }
      if (referrer != null) {
        json.writeStringField("referrer", referrer);
      }
      json.writeEndObject();
    }
    byte[] value = buffer.toByteArray();
    if (fault == FaultCase.TRACKER_TRUNCATED_JSON) {
      return Arrays.copyOf(value, value.length / 2);
    }
    return value;
  }

  private byte[] bid(Event event, FaultCase fault) throws IOException {
    String userAgent = random.nextDouble() < 0.03 ? null : event.agent.text();
    if (userAgent == null) {
      event.agent = null;
    }
    String siteUrl = random.nextDouble() < 0.08 ? null : event.pageUrl;
    String adSlot = AD_SLOTS[random.nextInt(AD_SLOTS.length)];
    long floorMicros = 50_000L + 10_000L * random.nextInt(250);
    String ip = event.address.literal();
    if (fault == FaultCase.BIDS_EMPTY_IP) {
      ip = "";
    } else if (fault == FaultCase.BIDS_APP_BUNDLE_SITE_URL) {
      siteUrl = APP_BUNDLES[random.nextInt(APP_BUNDLES.length)];
    }

    if (fault == FaultCase.BIDS_JSON_NOT_AVRO) {
      buffer.reset();
      try (JsonGenerator json = jsonFactory.createGenerator(buffer, JsonEncoding.UTF8)) {
        json.writeStartObject();
        json.writeStringField("request_id", event.eventId);
        json.writeNumberField("event_time", event.eventTime);
        json.writeStringField("ip", ip);
        json.writeStringField("user_agent", userAgent);
        json.writeStringField("user_id", event.userId);
        json.writeStringField("site_url", siteUrl);
        json.writeStringField("ad_slot", adSlot);
        json.writeNumberField("floor_price_micros", floorMicros);
        json.writeEndObject();
      }
      return buffer.toByteArray();
    }
    Schema schema = fault == FaultCase.BIDS_UNKNOWN_SCHEMA ? UNDECLARED_BID_SCHEMA : bidSchema;
    GenericRecord request = new GenericData.Record(schema);
    request.put("request_id", event.eventId);
    request.put("event_time", event.eventTime);
    request.put("ip", ip);
    request.put("user_agent", userAgent);
    request.put("user_id", event.userId);
    request.put("site_url", siteUrl);
    request.put("ad_slot", adSlot);
    request.put("floor_price_micros", floorMicros);
    if (schema == UNDECLARED_BID_SCHEMA) {
      request.put("currency", "EUR");
    }
    buffer.reset();
    (schema == UNDECLARED_BID_SCHEMA ? undeclaredBidEncoder : bidEncoder).encode(request, buffer);
    byte[] value = buffer.toByteArray();
    if (fault == FaultCase.BIDS_TRUNCATED_AVRO) {
      // The 10-byte header (marker and schema fingerprint) and half the body.
      return Arrays.copyOf(value, 10 + (value.length - 10) / 2);
    }
    return value;
  }

  /**
   * A version-4 UUID, unique within a stream: the low 62 bits are a bijection of the event's index.
   * Streams of another seed or start get other ids, so a second run is not taken for duplicates.
   */
  private String eventId(long index) {
    long high = mix(streamKey ^ index);
    high = (high & ~0xF000L) | 0x4000L;
    long x = (index + mix(streamKey)) & MASK_62;
    x = ((x ^ (x >>> 31)) * 0xbf58476d1ce4e5b9L) & MASK_62;
    x = ((x ^ (x >>> 29)) * 0x94d049bb133111ebL) & MASK_62;
    x ^= x >>> 32;
    return new UUID(high, Long.MIN_VALUE | x).toString();
  }

  /** The event's time: its place in the stream at the options' pace, less the client's lag. */
  private long eventTime(long index) {
    long nominal = startMillis + index * 1000 / options.eventsPerSecond();
    long lag =
        random.nextDouble() < LATE_SHARE ? 5_000 + random.nextInt(115_000) : random.nextInt(1_500);
    return nominal - lag;
  }

  private static Schema undeclaredBidSchema() {
    Schema declared = StreamTopics.bidRequestSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : declared.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(new Schema.Field("currency", Schema.create(Schema.Type.STRING), "ISO 4217", "USD"));
    return Schema.createRecord(
        declared.getName(), declared.getDoc(), declared.getNamespace(), false, fields);
  }

  /** The running counts of one source. */
  private static final class Tally {
    long records;
    long valid;
    long duplicates;
    long robots;
    final Map<FailureStage, Long> failedByStage = new EnumMap<>(FailureStage.class);
    final Map<String, Long> failedByCase = new TreeMap<>();
    final Map<String, Long> countries = new HashMap<>();
    final TreeMap<LocalDate, Long> days = new TreeMap<>();

    void valid(boolean robot, String country, long eventTime) {
      records++;
      valid++;
      if (robot) {
        robots++;
      }
      countries.merge(country, 1L, Long::sum);
      days.merge(LocalDate.ofEpochDay(Math.floorDiv(eventTime, 86_400_000L)), 1L, Long::sum);
    }

    void failed(FaultCase fault) {
      records++;
      failedByStage.merge(fault.stage(), 1L, Long::sum);
      failedByCase.merge(fault.id(), 1L, Long::sum);
    }

    void duplicate() {
      records++;
      duplicates++;
    }

    SourceTruth truth() {
      return new SourceTruth(
          records, valid, failedByStage, failedByCase, duplicates, robots, countries, days);
    }
  }
}
