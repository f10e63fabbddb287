package dev.adlake.spark.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.anomaly.AlertNotice;
import dev.adlake.core.anomaly.AlertNotifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Posts each new alert to a webhook as JSON (its kind, its fields, and its line as {@code text});
 * an answer other than 2xx fails.
 */
public final class WebhookNotifier implements AlertNotifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public WebhookNotifier(URI url) {
    this.url = url;
  }

  /** The JSON an alert is posted as. */
  static Map<String, Object> body(AlertNotice notice) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", notice.kind());
    body.putAll(notice.fields());
    body.put("text", notice.line());
    return body;
  }

  @Override
  public void send(AlertNotice notice) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body(notice))))
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
