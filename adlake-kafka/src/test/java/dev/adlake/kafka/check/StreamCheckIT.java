package dev.adlake.kafka.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.kafka.KafkaTopics;
import dev.adlake.kafka.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The stream checks on a real topic: twelve minutes of a source's JSON records, steady for ten,
 * then a drop and a new field; {@code once} reads them all and finds both in their minutes.
 */
class StreamCheckIT {
  private static final String TOPIC = "ingested-checkit";

  @Test
  void aDropAndANewFieldAreFoundInTheirMinutes() throws Exception {
    String servers = TestKafka.bootstrapServers();
    KafkaTopics.ensure(servers, List.of(TOPIC), 2);
    long t0 = (Instant.now().toEpochMilli() / 60_000 - 60) * 60_000;
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class.getName()))) {
      for (int minute = 0; minute < 13; minute++) {
        int n = minute == 10 ? 4 : 100;
        for (int i = 0; i < n; i++) {
          String json =
              minute == 11 && i % 2 == 0
                  ? "{\"event_id\": \"e%d\", \"page_url\": \"/a\", \"consent\": \"y\"}".formatted(i)
                  : "{\"event_id\": \"e%d\", \"page_url\": \"/a\"}".formatted(i);
          producer.send(
              new ProducerRecord<>(
                  TOPIC,
                  i % 2,
                  t0 + minute * 60_000L + i * 500L,
                  ("k" + i).getBytes(StandardCharsets.UTF_8),
                  json.getBytes(StandardCharsets.UTF_8)));
          sent++;
        }
      }
    }
    List<String> found = new ArrayList<>();
    List<String> progress = new ArrayList<>();
    StreamCheckJob.Watch watch =
        StreamCheckJob.watch(
            servers,
            List.of(TOPIC),
            true,
            finding ->
                found.add(
                    "%d %s %s %s"
                        .formatted(
                            (finding.minute().toEpochMilli() - t0) / 60_000,
                            finding.source(),
                            finding.check(),
                            finding.field())),
            progress::add);
    assertThat(watch.records()).isEqualTo(sent);
    assertThat(found).containsExactly("10 checkit drop ", "11 checkit new-field consent");
    // Minutes 3 to 11 are judged (three make the first baseline); 12 is still open.
    assertThat(watch.minutesJudged()).isEqualTo(9);
    assertThat(progress).anyMatch(line -> line.contains("from the beginning to the current ends"));
  }
}
