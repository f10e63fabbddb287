package dev.adlake.generator.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.stream.StreamRecord;
import dev.adlake.core.stream.StreamTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the stream generator against an independent recount: the test decodes every record itself,
 * applies the enricher's rules as the contract states them, and compares with the truth.
 */
class StreamEventGeneratorTest {
  /** Three seconds before midnight: 30,000 events at 5,000 a second fall on two days. */
  private static final Instant START = Instant.parse("2026-11-23T23:59:57Z");

  private static final StreamGeneratorOptions OPTIONS =
      StreamGeneratorOptions.defaults(30_000, START).withSeed(42);

  private static final Set<String> EVENT_TYPES = Set.of("page_view", "impression", "click");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:]+");
  private static final Pattern ROBOT = Pattern.compile("(?i)bot\\b|bot/|curl/|python-requests/");
  private static final BinaryMessageDecoder<GenericRecord> BIDS =
      new BinaryMessageDecoder<>(GenericData.get(), StreamTopics.bidRequestSchema());
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Test
  void theSameSeedGivesTheSameRecordsAndTruth() {
    StreamEventGenerator first = new StreamEventGenerator(OPTIONS);
    StreamEventGenerator second = new StreamEventGenerator(OPTIONS);
    StreamEventGenerator other = new StreamEventGenerator(OPTIONS.withSeed(43));

    String digest = digest(first);

    assertThat(digest(second)).isEqualTo(digest);
    assertThat(digest(other)).isNotEqualTo(digest);
    assertThat(second.truth()).isEqualTo(first.truth());
    assertThat(second.truth().toJson()).isEqualTo(first.truth().toJson());
  }

  @Test
  void anotherStartGivesOtherEventIds() {
    Set<String> first = new HashSet<>();
    drain(new StreamEventGenerator(OPTIONS))
        .forEach(record -> first.add(new String(record.key(), StandardCharsets.UTF_8)));
    StreamGeneratorOptions later =
        new StreamGeneratorOptions(
            OPTIONS.seed(),
            OPTIONS.events(),
            OPTIONS.eventsPerSecond(),
            START.plusSeconds(60),
            OPTIONS.faultRate(),
            OPTIONS.duplicateRate(),
            OPTIONS.bidShare());

    assertThat(drain(new StreamEventGenerator(later)))
        .noneMatch(record -> first.contains(new String(record.key(), StandardCharsets.UTF_8)));
  }

  @Test
  void truthCountsAddUpAndEveryFaultCaseAppears() {
    StreamEventGenerator generator = new StreamEventGenerator(OPTIONS);
    long records = drain(generator).size();
    StreamTruth truth = generator.truth();

    assertThat(truth.sources().keySet()).containsExactly(StreamTopics.TRACKER, StreamTopics.BIDS);
    assertThat(truth.total().recordsSent()).isEqualTo(records);
    List<SourceTruth> all = new ArrayList<>(truth.sources().values());
    all.add(truth.total());
    for (SourceTruth source : all) {
      assertThat(source.recordsSent())
          .isEqualTo(source.distinctValidEvents() + source.duplicatesSent() + source.failed());
      assertThat(source.failedByCase().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(source.failed());
      assertThat(source.validEventsByCountry().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(source.distinctValidEvents());
      assertThat(source.validEventsByDay().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(source.distinctValidEvents());
      for (FailureStage stage : FailureStage.values()) {
        assertThat(source.failed(stage)).as("failed at %s", stage).isPositive();
      }
      assertThat(source.robotEvents()).isPositive();
      assertThat(source.duplicatesSent()).isPositive();
    }
    for (FaultCase fault : FaultCase.values()) {
      assertThat(truth.source(fault.source()).failedByCase()).containsKey(fault.id());
    }
    SourceTruth total = truth.total();
    long events = total.distinctValidEvents() + total.failed();
    assertThat(events).isEqualTo(OPTIONS.events());
    assertThat((double) total.failed() / events).isCloseTo(0.01, within(0.003));
    assertThat((double) total.duplicatesSent() / total.distinctValidEvents())
        .isCloseTo(0.02, within(0.004));
    assertThat((double) truth.source(StreamTopics.BIDS).distinctValidEvents() / events)
        .isCloseTo(0.3, within(0.02));
    assertThat(total.validEventsByDay().keySet())
        .containsExactly(LocalDate.of(2026, 11, 23), LocalDate.of(2026, 11, 24));
    assertThat((double) total.validEventsIn(null) / total.distinctValidEvents())
        .isCloseTo(0.15, within(0.02));
  }

  @Test
  void truthMatchesAnIndependentRecountOfTheRecords() throws Exception {
    StreamEventGenerator generator = new StreamEventGenerator(OPTIONS);
    List<StreamRecord> records = drain(generator);
    Geography geography = Geography.load();
    Map<String, Recount> recounts = new TreeMap<>();
    for (String source : StreamTopics.SOURCES) {
      recounts.put(source, new Recount());
    }

    for (StreamRecord record : records) {
      String source = StreamTopics.sourceOf(record.topic());
      Recount recount = recounts.get(source);
      recount.records++;
      Outcome outcome =
          source.equals(StreamTopics.TRACKER) ? tracker(record.value()) : bid(record.value());
      if (outcome.failure() != null) {
        recount.failedByStage.merge(outcome.stage(), 1L, Long::sum);
        recount.failedByCase.merge(outcome.failure(), 1L, Long::sum);
        continue;
      }
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(outcome.eventId());
      byte[] first = recount.firstValue.putIfAbsent(outcome.eventId(), record.value());
      if (first != null) {
        assertThat(record.value()).as("a duplicate repeats its event").isEqualTo(first);
        recount.duplicates++;
        continue;
      }
      recount.valid++;
      if (outcome.userAgent() != null && ROBOT.matcher(outcome.userAgent()).find()) {
        recount.robots++;
      }
      recount.countries.merge(geography.countryOf(outcome.ip()), 1L, Long::sum);
      recount.days.merge(outcome.eventTime().atZone(ZoneOffset.UTC).toLocalDate(), 1L, Long::sum);
    }

    StreamTruth truth = generator.truth();
    for (Map.Entry<String, Recount> entry : recounts.entrySet()) {
      SourceTruth expected = truth.source(entry.getKey());
      Recount recount = entry.getValue();
      assertThat(recount.records).isEqualTo(expected.recordsSent());
      assertThat(recount.valid).isEqualTo(expected.distinctValidEvents());
      assertThat(recount.duplicates).isEqualTo(expected.duplicatesSent());
      assertThat(recount.robots).isEqualTo(expected.robotEvents());
      assertThat(recount.failedByCase).isEqualTo(expected.failedByCase());
      assertThat(recount.countries).isEqualTo(expected.validEventsByCountry());
      assertThat(recount.days).isEqualTo(expected.validEventsByDay());
      for (FailureStage stage : FailureStage.values()) {
        assertThat(recount.failedByStage.getOrDefault(stage, 0L))
            .as("%s failed at %s", entry.getKey(), stage)
            .isEqualTo(expected.failed(stage));
      }
    }
  }

  @Test
  void duplicatesFollowTheirOriginalWithinSecondsOfEvents() {
    List<StreamRecord> records = drain(new StreamEventGenerator(OPTIONS));
    Map<String, Integer> firstPosition = new HashMap<>();
    List<int[]> duplicates = new ArrayList<>();
    int lastOriginal = 0;
    for (int position = 0; position < records.size(); position++) {
      StreamRecord record = records.get(position);
      String key = record.topic() + "/" + new String(record.key(), StandardCharsets.UTF_8);
      Integer first = firstPosition.putIfAbsent(key, position);
      if (first == null) {
        lastOriginal = position;
      } else {
        assertThat(records.get(first).value()).isEqualTo(record.value());
        duplicates.add(new int[] {first, position});
      }
    }
    assertThat(duplicates).isNotEmpty();
    for (int[] duplicate : duplicates) {
      int distance = duplicate[1] - duplicate[0];
      // 1 to 5 seconds' worth of events at the options' pace, plus the duplicates in between;
      // those still due when the last event is out follow it at once.
      assertThat(distance)
          .isBetween(
              duplicate[1] > lastOriginal ? 1 : OPTIONS.eventsPerSecond(),
              6 * OPTIONS.eventsPerSecond());
    }
  }

  @Test
  void eventsLookLikeRealTraffic() throws Exception {
    List<StreamRecord> records = drain(new StreamEventGenerator(OPTIONS));
    Set<String> hosts = new HashSet<>();
    Map<String, Integer> eventsPerUser = new HashMap<>();
    int withUtm = 0;
    int encodedCampaigns = 0;
    int ipv6 = 0;
    int pages = 0;
    for (StreamRecord record : records) {
      if (!record.topic().equals(StreamTopics.ingested(StreamTopics.TRACKER))) {
        continue;
      }
      Outcome outcome = tracker(record.value());
      if (outcome.failure() != null) {
        continue;
      }
      JsonNode event = JSON.readTree(record.value());
      if (event.has("page_url")) {
        String url = event.get("page_url").asText();
        hosts.add(URI.create(url).getHost());
        pages++;
        withUtm += url.contains("utm_source=") ? 1 : 0;
        encodedCampaigns += url.contains("utm_campaign=Black%20Friday") ? 1 : 0;
      }
      if (event.has("user_id")) {
        eventsPerUser.merge(event.get("user_id").asText(), 1, Integer::sum);
      }
      ipv6 += outcome.ip().contains(":") ? 1 : 0;
    }
    assertThat(hosts)
        .contains("example.co.uk", "shop.example.com.au", "news.example.de", "m.example.com");
    assertThat((double) withUtm / pages).isCloseTo(WebPages.UTM_SHARE, within(0.02));
    assertThat(encodedCampaigns).isPositive();
    assertThat(ipv6).isPositive();
    assertThat(eventsPerUser.values().stream().mapToInt(Integer::intValue).max().orElse(0))
        .as("the most active user")
        .isGreaterThan(20);
    assertThat(eventsPerUser.size())
        .isLessThan(eventsPerUser.values().stream().mapToInt(i -> i).sum());
  }

  @Test
  void truthRoundTripsThroughJson(@TempDir Path folder) {
    StreamEventGenerator generator = new StreamEventGenerator(OPTIONS);
    drain(generator);
    StreamTruth truth = generator.truth();
    Path file = folder.resolve("streams").resolve("truth.json");

    truth.write(file);

    assertThat(StreamTruth.read(file)).isEqualTo(truth);
    assertThat(truth.toJson())
        .contains(
            "\"country\" : null", "\"failed_by_stage\"", "\"2026-11-24\"", "\"ingested-bids\"");
  }

  @Test
  void readingSomethingElseNamesTheFile(@TempDir Path folder) throws IOException {
    Path file = folder.resolve("truth.json");
    java.nio.file.Files.writeString(file, "{\"seed\": 1}");

    assertThatThrownBy(() -> StreamTruth.read(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot read the stream truth %s: Missing field events", file);
  }

  @Test
  void optionsReportEveryProblemAtOnce() {
    assertThatThrownBy(() -> new StreamGeneratorOptions(1, -5, 0, START, 1.5, -0.1, 0.3))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot generate stream events: events is -5: give 0 or more; events per second is 0:"
                + " give 1 to 10,000,000; fault rate is 1.5: give a share from 0 to 1;"
                + " duplicate rate is -0.1: give a share from 0 to 1");
  }

  @Test
  void noEventsGiveNoRecords() {
    StreamEventGenerator generator =
        new StreamEventGenerator(StreamGeneratorOptions.defaults(0, START));
    assertThat(generator.hasNext()).isFalse();
    assertThat(generator.truth().total().recordsSent()).isZero();
  }

  // --- The enricher's rules, as the contract states them, applied independently. ---

  /** A record's fate: a failure (stage and the case it shows) or a valid event's fields. */
  private record Outcome(
      FailureStage stage,
      String failure,
      String eventId,
      Instant eventTime,
      String ip,
      String userAgent) {
    static Outcome failed(FailureStage stage, String failure) {
      return new Outcome(stage, failure, null, null, null, null);
    }
  }

  private static Outcome tracker(byte[] value) {
    JsonNode event;
    try {
      event = JSON.readTree(value);
    } catch (IOException e) {
      return Outcome.failed(
          FailureStage.PARSE, value[0] == '{' ? "tracker-truncated-json" : "tracker-form-encoded");
    }
    assertThat(event.isObject()).isTrue();
    if (!event.path("event_id").isTextual()) {
      return Outcome.failed(FailureStage.VALIDATE, "tracker-missing-event-id");
    }
    if (!event.path("event_type").isTextual()
        || !EVENT_TYPES.contains(event.get("event_type").asText())) {
      return Outcome.failed(FailureStage.VALIDATE, "tracker-unknown-event-type");
    }
    Instant eventTime;
    try {
      eventTime =
          DateTimeFormatter.ISO_INSTANT.parse(event.path("event_time").asText(), Instant::from);
    } catch (DateTimeParseException e) {
      return Outcome.failed(FailureStage.VALIDATE, "tracker-impossible-event-time");
    }
    if (!event.path("ip").isTextual()) {
      return Outcome.failed(FailureStage.VALIDATE, "tracker-ip-array");
    }
    String ip = event.get("ip").asText();
    if (!isIpLiteral(ip)) {
      return Outcome.failed(FailureStage.VALIDATE, "tracker-ip-not-literal");
    }
    if (event.has("page_url") && !isWebAddress(event.get("page_url").asText())) {
      return Outcome.failed(FailureStage.ENRICH, "tracker-relative-page-url");
    }
    if (event.has("referrer") && !isWebAddress(event.get("referrer").asText())) {
      return Outcome.failed(FailureStage.ENRICH, "tracker-app-referrer");
    }
    String userAgent = event.has("user_agent") ? event.get("user_agent").asText() : null;
    return new Outcome(null, null, event.get("event_id").asText(), eventTime, ip, userAgent);
  }

  private static Outcome bid(byte[] value) {
    GenericRecord request;
    try {
      request = BIDS.decode(value);
    } catch (MissingSchemaException e) {
      return Outcome.failed(FailureStage.PARSE, "bids-unknown-schema");
    } catch (IOException | RuntimeException e) {
      return Outcome.failed(
          FailureStage.PARSE, value[0] == '{' ? "bids-json-not-avro" : "bids-truncated-avro");
    }
    String ip = request.get("ip").toString();
    if (!isIpLiteral(ip)) {
      return Outcome.failed(FailureStage.VALIDATE, "bids-empty-ip");
    }
    Object siteUrl = request.get("site_url");
    if (siteUrl != null && !isWebAddress(siteUrl.toString())) {
      return Outcome.failed(FailureStage.ENRICH, "bids-app-bundle-site-url");
    }
    assertThat(request.get("ad_slot").toString()).isNotEmpty();
    assertThat((Long) request.get("floor_price_micros")).isPositive();
    Object userAgent = request.get("user_agent");
    return new Outcome(
        null,
        null,
        request.get("request_id").toString(),
        Instant.ofEpochMilli((Long) request.get("event_time")),
        ip,
        userAgent == null ? null : userAgent.toString());
  }

  private static boolean isIpLiteral(String text) {
    if (IPV4.matcher(text).matches()) {
      return true;
    }
    if (!text.contains(":") || !IPV6_CHARACTERS.matcher(text).matches()) {
      return false;
    }
    try {
      return InetAddress.getByName(text).getAddress().length == 16;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isWebAddress(String text) {
    try {
      URI uri = new URI(text);
      return uri.isAbsolute()
          && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The sample geography, read here with its own parser. */
  private record Geography(List<Object[]> rows) {
    static Geography load() throws IOException {
      List<Object[]> rows = new ArrayList<>();
      try (InputStream in = Geography.class.getResourceAsStream("/dev/adlake/geo/ip-ranges.csv");
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        reader
            .lines()
            .filter(line -> !line.startsWith("#") && !line.startsWith("start_ip"))
            .map(line -> line.split(","))
            .forEach(
                fields -> rows.add(new Object[] {number(fields[0]), number(fields[1]), fields[2]}));
      }
      return new Geography(rows);
    }

    String countryOf(String ip) {
      BigInteger address = number(ip);
      boolean ipv6 = ip.contains(":");
      for (Object[] row : rows) {
        boolean rowIpv6 = ((BigInteger) row[0]).bitLength() > 32;
        if (rowIpv6 == ipv6
            && ((BigInteger) row[0]).compareTo(address) <= 0
            && address.compareTo((BigInteger) row[1]) <= 0) {
          return (String) row[2];
        }
      }
      return null;
    }

    private static BigInteger number(String literal) {
      try {
        return new BigInteger(1, InetAddress.getByName(literal).getAddress());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static final class Recount {
    long records;
    long valid;
    long duplicates;
    long robots;
    final Map<FailureStage, Long> failedByStage = new EnumMap<>(FailureStage.class);
    final Map<String, Long> failedByCase = new TreeMap<>();
    final Map<String, byte[]> firstValue = new HashMap<>();
    final Map<String, Long> countries = new TreeMap<>(SourceTruth.COUNTRY_ORDER);
    final Map<LocalDate, Long> days = new TreeMap<>();
  }

  private static List<StreamRecord> drain(StreamEventGenerator generator) {
    List<StreamRecord> records = new ArrayList<>();
    generator.forEachRemaining(records::add);
    return records;
  }

  private static String digest(StreamEventGenerator generator) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      while (generator.hasNext()) {
        StreamRecord record = generator.next();
        digest.update(record.topic().getBytes(StandardCharsets.UTF_8));
        digest.update(record.key());
        digest.update(record.value());
      }
      return Arrays.toString(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
