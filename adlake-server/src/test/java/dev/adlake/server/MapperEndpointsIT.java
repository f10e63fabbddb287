package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.access.Scope;
import dev.adlake.core.config.MapperConfig;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.metadata.JdbcAudit;
import dev.adlake.kafka.KafkaMappingSink;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.kafka.TestKafka;
import dev.adlake.kafka.TestingClock;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The cookie-sync and bulk endpoints against a real Kafka broker (the test JVM's {@link
 * TestKafka}): what each call answers, and what it leaves on its own topic, read back with a plain
 * consumer.
 */
class MapperEndpointsIT {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final ServerConfig SERVER = new ServerConfig("127.0.0.1", 0, 92, 500, false);
  private static final String REDIRECT =
      "https://match.33across.example/sync?src=adlake&uid={user_id}&r=1";
  private static final MapperConfig CONFIG =
      new MapperConfig(
          true, "eu", List.of("sharethis", "33across"), Map.of("33across", REDIRECT), 1, 1000);
  private static final String OUR_ID_EXAMPLE = "AbCdEfGhIjKlMnOpQr_-09";
  private static final Pattern OUR_COOKIE = Pattern.compile("adlake_uid=([A-Za-z0-9_-]{22})");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger TOPICS = new AtomicInteger();

  /** A server with the mapper service, sending to a topic of its own. */
  private record Mapper(AdlakeServer server, KafkaMappingSink sink, String topic)
      implements AutoCloseable {
    String url(String pathAndQuery) {
      return server.url() + pathAndQuery;
    }

    @Override
    public void close() {
      server.close();
      sink.close();
    }
  }

  private static Mapper start(MapperConfig config) {
    return start(config, CLOCK);
  }

  private static Mapper start(MapperConfig config, Clock clock) {
    return start(SERVER, config, clock);
  }

  private static Mapper start(ServerConfig server, MapperConfig config, Clock clock) {
    String topic = "ingested-mapping-it-" + TOPICS.incrementAndGet();
    KafkaTopics.ensure(TestKafka.bootstrapServers(), List.of(topic), 2);
    KafkaMappingSink sink = new KafkaMappingSink(TestKafka.bootstrapServers(), topic);
    AdlakeServer started =
        AdlakeServer.start(
            server,
            TestDatabase.get().store.dataSource(),
            false,
            new MapperEndpoints(config, sink, clock));
    return new Mapper(started, sink, topic);
  }

  @Test
  void aFloodOfSyncCallsFromOneClientIsLimitedWhileAnotherClientIsServed() {
    MapperConfig limited =
        new MapperConfig(
            true, "eu", CONFIG.partners(), CONFIG.redirects(), CONFIG.maxBulkMebibytes(), 5);
    try (Mapper mapper = start(limited)) {
      String sync = mapper.url("/mapping/sync?partner=sharethis&partner_id=flood");
      List<Integer> flood = new ArrayList<>();
      for (int call = 0; call < 40; call++) {
        flood.add(LoopbackClients.status("127.0.0.2", sync, Map.of()));
      }
      // A burst of twice the rate is served, then about the rate.
      assertThat(flood.subList(0, 10)).containsOnly(200);
      assertThat(flood.stream().filter(status -> status == 429).count())
          .as("%s", flood)
          .isGreaterThanOrEqualTo(20);
      assertThat(LoopbackClients.status("127.0.0.3", sync, Map.of())).isEqualTo(200);
    }
  }

  @Test
  void withTokensOnAPartnersFileNeedsAManageTokenAndIsAudited() throws Exception {
    ServerConfig guarded = new ServerConfig("127.0.0.1", 0, 92, 500, true);
    JdbcApiTokens tokens = new JdbcApiTokens(TestDatabase.get().store.dataSource());
    String read = tokens.create("mapper-it-read", Scope.READ, "tests").secret();
    String manage = tokens.create("mapper-it-manage", Scope.MANAGE, "tests").secret();
    try (Mapper mapper = start(guarded, CONFIG, CLOCK)) {
      String bulk = mapper.url("/mapping/bulk?partner=sharethis");
      String file = "st-audited," + OUR_ID_EXAMPLE + "\n";
      assertThat(post(bulk, file, Map.of()).statusCode()).isEqualTo(401);
      assertThat(post(bulk, file, Map.of("Authorization", "Bearer " + read)).statusCode())
          .isEqualTo(403);
      assertThat(post(bulk, file, Map.of("Authorization", "Bearer " + manage)).statusCode())
          .isEqualTo(200);
      assertThat(new JdbcAudit(TestDatabase.get().store.dataSource()).recent(20))
          .anySatisfy(
              entry -> {
                assertThat(entry.actor()).isEqualTo("mapper-it-manage");
                assertThat(entry.action()).isEqualTo("mapping.bulk");
                assertThat(entry.target()).isEqualTo("sharethis");
              });
      // The cookie-sync call stays open to browsers.
      assertThat(
              get(mapper.url("/mapping/sync?partner=sharethis&partner_id=open"), Map.of())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void syncWithoutCookieSetsOneAndSendsOneEvent() throws Exception {
    try (Mapper mapper = start(CONFIG)) {
      HttpResponse<byte[]> response =
          get(mapper.url("/mapping/sync?partner=sharethis&partner_id=st-4711"), Map.of());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("image/gif");
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      SetCookie cookie = setCookie(response);
      assertThat(cookie.attributes()).containsEntry("samesite", "Lax").doesNotContainKey("secure");
      String userId = cookie.userId();

      List<ConsumerRecord<String, String>> records = readAll(mapper.topic());
      assertThat(records).hasSize(1);
      JsonNode json = JSON.readTree(records.get(0).value());
      assertThat(fieldNames(json))
          .containsExactlyInAnyOrder(
              "event_id", "event_time", "partner", "partner_id", "user_id", "region", "origin");
      MappingEvent event = MappingEvent.fromJson(records.get(0).value());
      assertThat(records.get(0).key()).isEqualTo(event.eventId());
      assertThat(event.eventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-.{12}");
      assertThat(event)
          .isEqualTo(
              new MappingEvent(
                  event.eventId(), NOW, "sharethis", "st-4711", userId, "eu", MappingEvent.PIXEL));
    }
  }

  @Test
  void syncWithOurCookieKeepsTheIdAndReplacesAForeignOne() throws Exception {
    try (Mapper mapper = start(CONFIG)) {
      String ours = "AbCdEfGhIjKlMnOpQr_-09";
      HttpResponse<byte[]> response =
          get(
              mapper.url("/mapping/sync?partner=sharethis&partner_id=st-1"),
              Map.of("Cookie", "other=1; adlake_uid=" + ours, "X-Forwarded-Proto", "https"));
      assertThat(response.statusCode()).isEqualTo(200);
      SetCookie renewed = setCookie(response);
      assertThat(renewed.userId()).isEqualTo(ours);
      assertThat(renewed.attributes()).containsEntry("samesite", "None").containsKey("secure");

      HttpResponse<byte[]> replaced =
          get(
              mapper.url("/mapping/sync?partner=sharethis&partner_id=st-2"),
              Map.of("Cookie", "adlake_uid=not-one-of-ours"));
      String fresh = setCookie(replaced).userId();
      assertThat(fresh).isNotEqualTo(ours);

      List<MappingEvent> events = events(mapper.topic());
      assertThat(events)
          .extracting(MappingEvent::partnerId, MappingEvent::userId)
          .containsExactlyInAnyOrder(tuple("st-1", ours), tuple("st-2", fresh));
    }
  }

  @Test
  void thePixelIsATransparentOneByOneGif() throws Exception {
    try (Mapper mapper = start(CONFIG)) {
      byte[] body =
          get(mapper.url("/mapping/sync?partner=sharethis&partner_id=p"), Map.of()).body();
      assertThat(new String(body, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(body));
      assertThat(image).isNotNull();
      assertThat(image.getWidth()).isEqualTo(1);
      assertThat(image.getHeight()).isEqualTo(1);
      assertThat(image.getColorModel().hasAlpha()).isTrue();
      assertThat(image.getRGB(0, 0) >>> 24).as("alpha of the pixel").isZero();
    }
  }

  @Test
  void aPartnerWithARedirectTemplateGetsAFoundToItWithOurId() throws Exception {
    try (Mapper mapper = start(CONFIG)) {
      HttpResponse<byte[]> response =
          get(mapper.url("/mapping/sync?partner=33across&partner_id=x-9"), Map.of());
      assertThat(response.statusCode()).isEqualTo(302);
      String userId = setCookie(response).userId();
      assertThat(response.headers().firstValue("Location"))
          .hasValue("https://match.33across.example/sync?src=adlake&uid=" + userId + "&r=1");
      assertThat(events(mapper.topic()))
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.partner()).isEqualTo("33across");
                assertThat(event.userId()).isEqualTo(userId);
              });
    }
  }

  @Test
  void badSyncCallsAnswer400NamingTheParameterAndSendNothing() throws Exception {
    String tooLong = "a".repeat(MappingEvent.MAX_ID_LENGTH + 1);
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put(
        "partner=lotame&partner_id=x",
        List.of("partner", "partner is 'lotame', must be one of sharethis, 33across"));
    cases.put("partner_id=x", List.of("partner", "partner is missing"));
    cases.put("partner=adlake&partner_id=x", List.of("partner", "partner is 'adlake'"));
    cases.put("partner=sharethis", List.of("partner_id", "partner_id is missing"));
    cases.put("partner=sharethis&partner_id=", List.of("partner_id", "partner_id is missing"));
    cases.put(
        "partner=sharethis&partner_id=ab%20cd",
        List.of(
            "partner_id", "Field 'partner_id' holds a space or control character at position 3"));
    cases.put(
        "partner=sharethis&partner_id=" + tooLong,
        List.of("partner_id", "Field 'partner_id' is longer than 256 characters"));
    try (Mapper mapper = start(CONFIG)) {
      for (Map.Entry<String, List<String>> entry : cases.entrySet()) {
        HttpResponse<byte[]> response =
            get(mapper.url("/mapping/sync?" + entry.getKey()), Map.of());
        assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
        assertThat(response.headers().firstValue("Set-Cookie")).as(entry.getKey()).isEmpty();
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("parameter").asText())
            .as(entry.getKey())
            .isEqualTo(entry.getValue().get(0));
        assertThat(error.get("error").asText())
            .as(entry.getKey())
            .contains(entry.getValue().get(1));
      }
      assertThat(recordCount(mapper.topic())).isZero();
    }
  }

  @Test
  void theOpenApiDescriptionHasBothEndpoints() throws Exception {
    try (Mapper mapper = start(CONFIG)) {
      JsonNode paths =
          JSON.readTree(get(mapper.url("/openapi.json"), Map.of()).body()).get("paths");
      assertThat(paths.get("/mapping/sync").get("get").get("responses").has("302")).isTrue();
      assertThat(paths.get("/mapping/bulk").get("post").get("responses").has("413")).isTrue();
    }
  }

  /** A partner's file with its true mappings, from a fixed seed. */
  private record PartnerFile(String text, List<List<String>> truth) {}

  private static PartnerFile partnerFile(int lines, long seed) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(MapperEndpoints.BULK_HEADER).append("\r\n");
    List<List<String>> truth = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      String partnerId = "st-" + Long.toHexString(random.nextLong());
      String userId = ourId(random);
      boolean timed = random.nextInt(4) != 0;
      Instant time = timed ? NOW.minusSeconds(random.nextInt(86_400)) : NOW;
      text.append(partnerId).append(',').append(userId);
      if (timed) {
        text.append(',').append(time);
      }
      text.append(i % 2 == 0 ? "\n" : "\r\n");
      truth.add(List.of(partnerId, userId, time.toString()));
    }
    return new PartnerFile(text.toString(), truth);
  }

  /** One of our ids, as the sync endpoint makes them: 128 bits in URL-safe Base64. */
  private static String ourId(Random random) {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  @Test
  void aGoodFileOfNLinesGivesNEvents() throws Exception {
    PartnerFile file = partnerFile(500, 7);
    try (Mapper mapper = start(CONFIG)) {
      HttpResponse<byte[]> response =
          post(mapper.url("/mapping/bulk?partner=sharethis"), file.text());
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode answer = JSON.readTree(response.body());
      assertThat(answer.get("partner").asText()).isEqualTo("sharethis");
      assertThat(answer.get("accepted").asInt()).isEqualTo(500);

      List<MappingEvent> events = events(mapper.topic());
      assertThat(events)
          .extracting(e -> List.of(e.partnerId(), e.userId(), e.eventTime().toString()))
          .containsExactlyInAnyOrderElementsOf(file.truth());
      assertThat(events)
          .allSatisfy(
              event -> {
                assertThat(event.partner()).isEqualTo("sharethis");
                assertThat(event.region()).isEqualTo("eu");
                assertThat(event.origin()).isEqualTo(MappingEvent.BULK);
                assertThat(event.eventId()).matches("[0-9a-f]{32}");
              });
      assertThat(events).extracting(MappingEvent::eventId).doesNotHaveDuplicates();
    }
  }

  @Test
  void aFileWithABadLineAnswers400NamingItAndSendsNothing() throws Exception {
    String file =
        """
        partner_id,user_id,event_time
        st-1,AbCdEfGhIjKlMnOpQr_-01,2026-03-01T10:00:00Z
        st-2,AbCdEfGhIjKlMnOpQr_-02,yesterday
        st-3,AbCdEfGhIjKlMnOpQr_-03
        st 4,AbCdEfGhIjKlMnOpQr_-04,2026-03-01T10:00:00Z
        st-5
        st-6,u6
        """;
    try (Mapper mapper = start(CONFIG)) {
      HttpResponse<byte[]> response = post(mapper.url("/mapping/bulk?partner=sharethis"), file);
      assertThat(response.statusCode()).isEqualTo(400);
      String error = JSON.readTree(response.body()).get("error").asText();
      assertThat(error)
          .startsWith(
              "Cannot accept the file of partner 'sharethis': 4 bad lines, nothing was sent")
          .contains(
              "line 3 ('st-2,AbCdEfGhIjKlMnOpQr_-02,yesterday'): Field 'event_time' is not an"
                  + " ISO-8601 instant such as 2026-03-01T12:00:00Z: 'yesterday'")
          .contains(
              "line 5 ('st 4,AbCdEfGhIjKlMnOpQr_-04,2026-03-01T10:00:00Z'): Field 'partner_id'"
                  + " holds a space or control character at position 3")
          .contains("line 6 ('st-5'): 1 field, expected partner_id,user_id[,event_time]")
          .contains(
              "line 7 ('st-6,u6'): Field 'user_id' is not one of our ids (22 letters, digits, '_'"
                  + " or '-', as in our cookie adlake_uid): 'u6'");
      assertThat(recordCount(mapper.topic())).isZero();

      HttpResponse<byte[]> unknown = post(mapper.url("/mapping/bulk?partner=lotame"), "a,b\n");
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(unknown.body()).get("parameter").asText()).isEqualTo("partner");
      assertThat(recordCount(mapper.topic())).isZero();
    }
  }

  @Test
  void quotedFieldsAndAnOddHeaderAreRefusedNotTakenForIds() throws Exception {
    String ours = "AbCdEfGhIjKlMnOpQr_-09";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        "PARTNER_ID,USER_ID\nst-1," + ours + "\n",
        "line 1 ('PARTNER_ID,USER_ID'): Field 'user_id' is not one of our ids");
    cases.put(
        "partner_id, user_id\nst-1," + ours + "\n",
        "line 1 ('partner_id, user_id'): Field 'user_id' is not one of our ids");
    cases.put(
        "st-1,\"" + ours + "\"\n",
        "line 1 ('st-1,\"" + ours + "\"'): Field 'user_id' is not one of our ids");
    cases.put(
        "\"st-1\"," + ours + "\n",
        "line 1 ('\"st-1\"," + ours + "'): Field 'partner_id' is quoted");
    try (Mapper mapper = start(CONFIG)) {
      for (Map.Entry<String, String> entry : cases.entrySet()) {
        HttpResponse<byte[]> response =
            post(mapper.url("/mapping/bulk?partner=sharethis"), entry.getKey());
        assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText())
            .as(entry.getKey())
            .startsWith(
                "Cannot accept the file of partner 'sharethis': 1 bad line, nothing was sent")
            .contains(entry.getValue());
      }
      assertThat(recordCount(mapper.topic())).isZero();
    }
  }

  @Test
  void aReUploadGivesTheSameEventIdsButNewOnesToLinesWithoutATime() throws Exception {
    PartnerFile file = partnerFile(200, 11);
    Set<String> untimed =
        file.text()
            .lines()
            .map(line -> line.split(","))
            .filter(fields -> fields.length == 2)
            .map(fields -> fields[0])
            .collect(Collectors.toSet());
    assertThat(untimed).as("lines without a time").isNotEmpty();
    TestingClock clock = new TestingClock(NOW);
    try (Mapper mapper = start(CONFIG, clock)) {
      assertThat(post(mapper.url("/mapping/bulk?partner=sharethis"), file.text()).statusCode())
          .isEqualTo(200);
      clock.advance(Duration.ofMinutes(5));
      assertThat(post(mapper.url("/mapping/bulk?partner=sharethis"), file.text()).statusCode())
          .isEqualTo(200);

      List<MappingEvent> both = events(mapper.topic());
      assertThat(both).hasSize(2 * file.truth().size());
      Map<String, Set<String>> idsByPartnerId =
          both.stream()
              .collect(
                  Collectors.groupingBy(
                      MappingEvent::partnerId,
                      Collectors.mapping(MappingEvent::eventId, Collectors.toSet())));
      assertThat(idsByPartnerId).hasSize(file.truth().size());
      idsByPartnerId.forEach(
          (partnerId, ids) ->
              assertThat(ids).as(partnerId).hasSize(untimed.contains(partnerId) ? 2 : 1));
    }
  }

  @Test
  void aChunkedFileOverTheLimitAnswers413AndSendsNothing() throws Exception {
    try (Mapper mapper = start(CONFIG)) {
      // No Content-Length to check up front: the limit holds while the body is read.
      URI uri = URI.create(mapper.url("/mapping/bulk?partner=sharethis"));
      String answer;
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/csv\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                .formatted(uri.getRawPath() + "?" + uri.getRawQuery(), uri.getAuthority())
                .getBytes(StandardCharsets.US_ASCII));
        // One byte over the limit, so that the server reads the whole body before it answers.
        long left = CONFIG.maxBulkBytes() + 1;
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        while (left > 0) {
          int size = (int) Math.min(chunk.length, left);
          out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk, 0, size);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          left -= size;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        answer = readResponse(socket.getInputStream());
      }
      assertThat(answer).startsWith("HTTP/1.1 413 ");
      assertThat(answer)
          .contains("Cannot accept a file of more than 1 MiB (mapper.max-bulk-mib): split it")
          .doesNotContain("this one is");
      assertThat(recordCount(mapper.topic())).isZero();
    }
  }

  @Test
  void aFileOverTheLimitAnswers413AndSendsNothing() throws Exception {
    try (Mapper mapper = start(CONFIG)) {
      // Over a plain socket, to see the answer whatever the server does with the rest of the
      // body it refused; java.net.http waits forever when it asks for 100-continue and is refused.
      byte[] file = new byte[(int) CONFIG.maxBulkBytes() + 1];
      Arrays.fill(file, (byte) 'x');
      URI uri = URI.create(mapper.url("/mapping/bulk?partner=sharethis"));
      String answer;
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/csv\r\n"
                    + "Content-Length: %d\r\nConnection: close\r\n\r\n")
                .formatted(
                    uri.getRawPath() + "?" + uri.getRawQuery(), uri.getAuthority(), file.length)
                .getBytes(StandardCharsets.US_ASCII));
        out.write(file);
        out.flush();
        answer = readResponse(socket.getInputStream());
      }
      assertThat(answer).startsWith("HTTP/1.1 413 ");
      assertThat(answer)
          .contains(
              "Cannot accept a file of more than 1 MiB (mapper.max-bulk-mib): split it; this one"
                  + " is 1048577 bytes");
      assertThat(recordCount(mapper.topic())).isZero();
    }
  }

  @Test
  void aBrokerThatCannotBeReachedAnswers503ToSyncAndBulk() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (KafkaMappingSink sink =
            new KafkaMappingSink(
                "127.0.0.1:" + closedPort, "ingested-mapping", Duration.ofSeconds(2));
        AdlakeServer server =
            AdlakeServer.start(
                SERVER,
                TestDatabase.get().store.dataSource(),
                false,
                new MapperEndpoints(CONFIG, sink, CLOCK))) {
      HttpResponse<byte[]> response =
          get(server.url() + "/mapping/sync?partner=sharethis&partner_id=p", Map.of());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
      assertThat(JSON.readTree(response.body()).get("error").asText())
          .startsWith("Cannot send mapping events to ingested-mapping on 127.0.0.1:" + closedPort);

      HttpResponse<byte[]> bulk =
          post(server.url() + "/mapping/bulk?partner=sharethis", "st-1,AbCdEfGhIjKlMnOpQr_-09\n");
      assertThat(bulk.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(bulk.body()).get("error").asText())
          .startsWith("Cannot send mapping events to ingested-mapping on 127.0.0.1:" + closedPort)
          .endsWith("0 of 1 acknowledged");
    }
  }

  /**
   * One HTTP/1.1 response with a Content-Length, read without waiting for the connection to end:
   * the server keeps it open for a while for the body it refused.
   */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int headEnd = -1;
    while (headEnd < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("The connection ended in the response head: " + bytes);
      }
      bytes.write(b);
      headEnd = bytes.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
    }
    String head = bytes.toString(StandardCharsets.ISO_8859_1);
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    assertThat(length.find()).as(head).isTrue();
    byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
    return head + new String(body, StandardCharsets.UTF_8);
  }

  /** Our cookie as a response sets it: our id, and its attributes by lower-case name. */
  private record SetCookie(String userId, Map<String, String> attributes) {}

  /** The one cookie of the response, ours, for every path, a year, and out of reach of scripts. */
  private static SetCookie setCookie(HttpResponse<?> response) {
    List<String> cookies = response.headers().allValues("Set-Cookie");
    assertThat(cookies).hasSize(1);
    String[] parts = cookies.get(0).split(";");
    Matcher value = OUR_COOKIE.matcher(parts[0].trim());
    assertThat(value.matches()).as(cookies.get(0)).isTrue();
    Map<String, String> attributes = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int equals = part.indexOf('=');
      String name = equals < 0 ? part : part.substring(0, equals);
      attributes.put(name.toLowerCase(Locale.ROOT), equals < 0 ? "" : part.substring(equals + 1));
    }
    assertThat(attributes)
        .as(cookies.get(0))
        .containsEntry("path", "/")
        .containsEntry("max-age", "31536000")
        .containsKey("httponly");
    return new SetCookie(value.group(1), attributes);
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static HttpResponse<byte[]> get(String url, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> post(String url, String body)
      throws IOException, InterruptedException {
    return post(url, body, Map.of());
  }

  private static HttpResponse<byte[]> post(String url, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static List<MappingEvent> events(String topic) {
    return readAll(topic).stream().map(record -> MappingEvent.fromJson(record.value())).toList();
  }

  /**
   * Every record of the topic. The sink answers only after the broker acknowledged, so the end
   * offsets already count every record a finished request sent.
   */
  private static List<ConsumerRecord<String, String>> readAll(String topic) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long expected = consumer.endOffsets(partitions).values().stream().mapToLong(l -> l).sum();
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
              });
      return records;
    }
  }

  private static long recordCount(String topic) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(l -> l).sum();
    }
  }

  private static KafkaConsumer<String, String> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestKafka.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"));
  }
}
