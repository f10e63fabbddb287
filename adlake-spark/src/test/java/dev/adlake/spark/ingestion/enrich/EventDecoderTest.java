package dev.adlake.spark.ingestion.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.spark.ingestion.enrich.EventFailure.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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

  private static final MappingEvent MAPPING =
      new MappingEvent(
          "m-1",
          Instant.parse("2026-11-23T10:15:00.250Z"),
          "partner-a",
          "PA-123",
          "u-1",
          "eu-west",
          MappingEvent.PIXEL);

  @Test
  void decodesMappingsAsTheContractReadsThem() {
    assertThat(new EventDecoder().decodeMapping(bytes(MAPPING.toJson()))).isEqualTo(MAPPING);
  }

  static Stream<Arguments> unreadableMappings() {
    return Stream.of(
        arguments("not json", Stage.PARSE, "Not valid JSON: Unrecognized token 'not'"),
        arguments("[1, 2]", Stage.PARSE, "Not a JSON object"),
        arguments("{\"event_id\":\"m-1\"} {}", Stage.PARSE, "Not valid JSON"),
        arguments("{\"event_id\":\"m-1\",", Stage.PARSE, "Not valid JSON"),
        arguments("{\"event_id\":\"m-1\"}", Stage.VALIDATE, "Field 'event_time' is missing"),
        arguments(
            "{\"event_id\":\"m-1\",\"event_time\":\"yesterday\"}",
            Stage.VALIDATE,
            "Field 'event_time' is not an ISO-8601 instant: 'yesterday'"));
  }

  @ParameterizedTest
  @MethodSource("unreadableMappings")
  void refusesMappingsWithTheStageAndTheContractsReason(String json, Stage stage, String reason) {
    assertThatThrownBy(() -> new EventDecoder().decodeMapping(bytes(json)))
        .isInstanceOfSatisfying(
            EventFailure.class, failure -> assertThat(failure.stage()).isEqualTo(stage))
        .hasMessageStartingWith(reason);
  }

  @Test
  void refusesMappingsWithAWrongFieldNamingIt() {
    String noPartnerId = MAPPING.toJson().replace("\"partner_id\":\"PA-123\",", "");
    String badRegion = MAPPING.toJson().replace("eu-west", "EU West");
    String numberUserId = MAPPING.toJson().replace("\"u-1\"", "7");
    assertThatThrownBy(() -> new EventDecoder().decodeMapping(bytes(noPartnerId)))
        .hasMessage("Field 'partner_id' is missing");
    assertThatThrownBy(() -> new EventDecoder().decodeMapping(bytes(badRegion)))
        .hasMessage(
            "Field 'region' must be 1 to 40 lower-case letters, digits, '_' or '-', starting with"
                + " a letter or digit, not 'EU West'");
    assertThatThrownBy(() -> new EventDecoder().decodeMapping(bytes(numberUserId)))
        .hasMessage("Field 'user_id' must be a string");
  }

  @Test
  void dedupeKeysReadTheMappingsEventId() {
    DedupeKeys keys = new DedupeKeys("p-");
    assertThat(
            keys.call(
                "p-" + StreamTopics.ingested(StreamTopics.MAPPING), bytes(MAPPING.toJson()), 0, 5L))
        .isEqualTo("mapping\u0000m-1");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
