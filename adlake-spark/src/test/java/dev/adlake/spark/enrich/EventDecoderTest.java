package dev.adlake.spark.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventDecoderTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-23T10:00:00Z",
        "2026-11-23T10:15:00.250Z",
        "2026-11-23T10:15:00.2Z",
        "2026-11-23T10:15:00.25Z",
        "2026-11-23T10:15:00.123456789Z",
        "2024-02-29T23:59:59.999Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.5Z",
        "2026-11-23T10:15:00+02:00",
        "2026-11-23T24:00:00Z",
        "2026-11-23T10:00:00.Z",
        "2026-11-23T10:15:00.250-05:30"
      })
  void readsInstantsAsInstantParseDoes(String text) {
    assertThat(EventDecoder.instantMillis(text)).isEqualTo(Instant.parse(text).toEpochMilli());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-11-23T10:0a:00Z",
        "2026-11-23 10:00:00Z",
        "yesterday"
      })
  void refusesWhatInstantParseRefuses(String text) {
    assertThatThrownBy(() -> EventDecoder.instantMillis(text))
        .isInstanceOf(DateTimeParseException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"event_id\":\"e-1\",\"event_type\":\"click\"}",
        "{\"nested\":{\"event_id\":\"no\"},\"list\":[1,2],\"event_id\":\"e-1\"}",
        "{\"event_type\":\"click\",\"event_id\":\"e-1\",\"broken"
      })
  void dedupeKeysReadTheEventIdOnly(String json) {
    assertThat(DedupeKeys.jsonId(json.getBytes(StandardCharsets.UTF_8))).isEqualTo("e-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"event_id\":7}", "[\"event_id\"]", "not json", "{\"id\":\"e-1\"}"})
  void dedupeKeysHaveNoIdForOtherRecords(String json) {
    assertThat(DedupeKeys.jsonId(json.getBytes(StandardCharsets.UTF_8))).isNull();
  }
}
