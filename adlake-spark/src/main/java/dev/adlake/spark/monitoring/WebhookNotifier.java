package dev.adlake.spark.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.anomaly.AnomalyMonitor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Posts each new data-anomaly alert to a webhook as JSON; an answer other than 2xx fails. */
public final class WebhookNotifier implements Consumer<Anomaly> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public WebhookNotifier(URI url) {
    this.url = url;
  }

  /** The JSON an alert is posted as. */
  static Map<String, Object> body(Anomaly anomaly) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", AnomalyMonitor.ALERT_KIND);
    body.put("series", anomaly.series().toString());
    body.put("metric", anomaly.series().metric());
    body.put("subject", anomaly.series().subject());
    body.put("anomaly", anomaly.kind());
    body.put("start", anomaly.start().toString());
    body.put("end", anomaly.end().toString());
    body.put("expected", anomaly.expected());
    body.put("seen", anomaly.seen());
    body.put("deviations", anomaly.deviations());
    body.put("text", anomaly.describe());
    return body;
  }

  @Override
  public void accept(Anomaly anomaly) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body(anomaly))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new ExternalFailureException(
            "The alert webhook %s answered %d: %s"
                .formatted(url, response.statusCode(), response.body()),
            null);
      }
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot post an alert to " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalFailureException("Interrupted posting an alert to " + url, e);
    }
  }
}
