package dev.adlake.spark.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.anomaly.SeriesKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An alert posted to a real local HTTP server as JSON, and a refusing hook named. */
class WebhookNotifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A spike of clicks at night, the alert both notifier tests send. */
  static final Anomaly SPIKE =
      new Anomaly(
          new SeriesKey("clicks", "campaign 7"),
          "spike",
          Instant.parse("2026-11-02T03:00:00Z"),
          Instant.parse("2026-11-02T05:00:00Z"),
          4,
          21,
          6.8);

  @Test
  void anAlertIsPostedAsJsonAndARefusalIsAnError() throws Exception {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.createContext(
        "/down",
        exchange -> {
          byte[] body = "maintenance".getBytes();
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      new WebhookNotifier(URI.create(base + "/hook")).send(SPIKE.notice());
      assertThat(received).hasSize(1);
      JsonNode body = received.get(0);
      assertThat(body.get("kind").asText()).isEqualTo("data_anomaly");
      assertThat(body.get("series").asText()).isEqualTo("clicks of campaign 7");
      assertThat(body.get("anomaly").asText()).isEqualTo("spike");
      assertThat(body.get("start").asText()).isEqualTo("2026-11-02T03:00:00Z");
      assertThat(body.get("expected").asDouble()).isEqualTo(4);
      assertThat(body.get("seen").asDouble()).isEqualTo(21);
      assertThat(body.get("text").asText())
          .isEqualTo(
              "clicks of campaign 7 spike from 2026-11-02T03:00:00Z to 2026-11-02T05:00:00Z:"
                  + " expected about 4, saw 21 (6.8 deviations)");

      assertThatThrownBy(() -> new WebhookNotifier(URI.create(base + "/down")).send(SPIKE.notice()))
          .isInstanceOf(ExternalFailureException.class)
          .hasMessage("The alert webhook " + base + "/down answered 503: maintenance");
    } finally {
      server.stop(0);
    }
  }
}
