package dev.adlake.spark.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.adlake.core.anomaly.AlertNotifier;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.config.MonitoringConfig;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Services;
import dev.adlake.core.stream.KafkaServers;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.kafka.check.StreamCheckJob;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The stream checks' alerts go out as the data anomalies' do: a source's records on a real topic
 * drop in one minute, and the stream-checks job, on the platform's PostgreSQL and Kafka, posts the
 * new alert to the configured webhook once, with the source, the check and the minute; a rerun over
 * the same records raises and posts nothing new.
 */
class StreamAlertsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SOURCE = "alertit" + Long.toHexString(System.nanoTime() % 0xfffff);
  private static final String TOPIC = "ingested-" + SOURCE;

  @Test
  void aDroppedSourcesAlertIsPostedToTheWebhookOnce() throws Exception {
    Platform platform = TestPlatform.get();
    String servers = platform.kafkaBootstrapServers();
    KafkaTopics.ensure(servers, List.of(TOPIC), 1);
    long t0 = (Instant.now().toEpochMilli() / 60_000 - 60) * 60_000;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class.getName()))) {
      for (int minute = 0; minute < 8; minute++) {
        int n = minute == 6 ? 3 : 60;
        for (int i = 0; i < n; i++) {
          producer.send(
              new ProducerRecord<>(
                  TOPIC,
                  0,
                  t0 + minute * 60_000L + i * 900L,
                  ("k" + i).getBytes(StandardCharsets.UTF_8),
                  "{\"event_id\": \"e%d\", \"page_url\": \"/a\"}"
                      .formatted(i)
                      .getBytes(StandardCharsets.UTF_8)));
        }
      }
    }

    List<JsonNode> posted = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          posted.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    hook.start();
    try {
      AdlakeConfig config =
          ConfigLoader.load(
              new ConfigLoader.Request(
                  Optional.of(platform.config().home()),
                  Optional.empty(),
                  Map.of(),
                  Map.of(
                      MonitoringConfig.STREAM_CHECK_TOPICS.name(),
                      TOPIC,
                      MonitoringConfig.ALERT_WEBHOOK.name(),
                      "http://127.0.0.1:%d/hook".formatted(hook.getAddress().getPort())),
                  platform.config().home()));
      AlertNotifier notifier = AlertNotifiers.of(MonitoringConfig.of(config));
      Services services =
          new Services() {
            @Override
            public <T> T get(Class<T> type) {
              if (type == AlertNotifier.class) {
                return type.cast(notifier);
              }
              if (type == KafkaServers.class) {
                return type.cast(new KafkaServers(servers));
              }
              return platform.get(type);
            }
          };
      StreamCheckJob job = new StreamCheckJob(config);
      List<String> progress = new ArrayList<>();
      JobResult first = run(platform, job, services, progress);
      assertThat(first.figures()).containsEntry("alerts_raised", 1L);
      assertThat(first.figures()).containsEntry("notify_failures", 0L);
      assertThat(posted).hasSize(1);
      JsonNode alert = posted.get(0);
      assertThat(alert.get("kind").asText()).isEqualTo(StreamCheckJob.ALERT_KIND);
      assertThat(alert.get("source").asText()).isEqualTo(SOURCE);
      assertThat(alert.get("check").asText()).isEqualTo("drop");
      assertThat(Instant.parse(alert.get("minute").asText()).toEpochMilli())
          .isEqualTo(t0 + 6 * 60_000L);
      assertThat(alert.get("text").asText()).startsWith(SOURCE + " drop: ");
      assertThat(progress).anyMatch(line -> line.startsWith("ALERT " + SOURCE + " drop"));

      // The same records again: the alert is raised already, nothing is posted.
      JobResult again = run(platform, job, services, progress);
      assertThat(again.figures()).containsEntry("alerts_raised", 0L);
      assertThat(posted).hasSize(1);
    } finally {
      hook.stop(0);
    }
  }

  private static JobResult run(
      Platform platform, StreamCheckJob job, Services services, List<String> progress) {
    Map<String, String> given = Map.of(StreamCheckJob.ONCE.name(), "true");
    long runId = platform.runs().start(job.definition(), given);
    return job.run(
        new JobContext(
            runId, 1, JobParameters.resolve(job.definition(), given), progress::add, services));
  }
}
