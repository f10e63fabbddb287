package dev.adlake.kafka.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.stream.StreamTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Twelve minutes of two sources, steady for eight, then one fault a minute: a new field, a drop,
 * nulls, a silence that lasts two minutes, malformed records. Each is found in its minute, the
 * silence once as one episode, and the steady minutes raise nothing; a live watch that has read
 * everything closes a silent minute by the clock.
 */
class StreamCheckerTest {
  static final long T0 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

  /** Feeds one minute of a source: n records, some with a field, some nulls, some not JSON. */
  static void minute(
      StreamChecker checker, String source, int minute, int n, int extra, int nulls, int broken) {
    for (int i = 0; i < n; i++) {
      long at = T0 + minute * 60_000L + i * (59_000L / Math.max(1, n));
      String json;
      if (i < broken) {
        json = "{not json";
      } else {
        String user = i < broken + nulls ? "null" : "\"u-" + i + "\"";
        String more = i < broken + extra ? ", \"experiment\": \"b\"" : "";
        json = "{\"event_id\": \"e-%d-%d\", \"user_id\": %s%s}".formatted(minute, i, user, more);
      }
      checker.observe(source, 0, at, json.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aLiveWatchSeesASilentSourceByTheClock() {
    StreamChecker checker = new StreamChecker();
    for (int m = 0; m < 6; m++) {
      minute(checker, "mapping", m, 60, 0, 0, 0);
    }
    checker.advance();
    // Nothing more arrives; a minute after minute 7 ended, minutes 6 and 7 are silent.
    List<StreamChecker.Finding> found =
        checker.advanceTo(Instant.ofEpochMilli(T0 + 8 * 60_000L + 15_000));
    assertThat(found)
        .extracting(f -> f.check() + " " + (f.minute().toEpochMilli() - T0) / 60_000)
        .containsExactly("silent 6", "silent 7");
  }

  @Test
  void theAvroBidStreamIsCheckedByItsDeclaredSchema() throws Exception {
    Schema declared = StreamTopics.bidRequestSchema();
    // A writer that added a field: another schema, another fingerprint.
    Schema.Parser parser = new Schema.Parser();
    Schema other =
        parser.parse(
            declared
                .toString()
                .replace(
                    "\"fields\":[",
                    "\"fields\":[{\"name\":\"currency\",\"type\":\"string\",\"default\":\"USD\"},"));
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), declared);
    BinaryMessageEncoder<GenericRecord> otherEncoder =
        new BinaryMessageEncoder<>(GenericData.get(), other);
    StreamChecker checker = new StreamChecker();
    List<String> found = new ArrayList<>();
    // Minute 8 stays open: the records' time has not passed its end.
    for (int m = 0; m < 9; m++) {
      for (int i = 0; i < 100; i++) {
        boolean drifted = m == 5 && i < 40;
        GenericRecord bid = new GenericData.Record(drifted ? other : declared);
        bid.put("request_id", "r-" + m + "-" + i);
        bid.put("event_time", T0 + m * 60_000L + i * 500L);
        bid.put("ip", "192.0.2.1");
        bid.put("user_agent", "Mozilla/5.0");
        // Minute 6: user ids gone (null) from most bids.
        bid.put("user_id", m == 6 && i < 60 ? null : "u-" + i);
        bid.put("site_url", "https://example.com/");
        bid.put("ad_slot", "top");
        bid.put("floor_price_micros", 1_000L);
        if (drifted) {
          bid.put("currency", "EUR");
        }
        byte[] value = (drifted ? otherEncoder : encoder).encode(bid).array();
        if (m == 7 && i < 30) {
          value = java.util.Arrays.copyOf(value, 12); // truncated after its header
        }
        checker.observe("bids", 0, T0 + m * 60_000L + i * 500L, value);
      }
      for (StreamChecker.Finding finding : checker.advance()) {
        found.add(
            "%d %s %s"
                .formatted(
                    (finding.minute().toEpochMilli() - T0) / 60_000,
                    finding.check(),
                    finding.field()));
      }
    }
    found.addAll(
        checker.finish().stream()
            .map(
                f ->
                    "%d %s %s"
                        .formatted((f.minute().toEpochMilli() - T0) / 60_000, f.check(), f.field()))
            .toList());
    String drift = "@schema " + Long.toHexString(SchemaNormalization.parsingFingerprint64(other));
    assertThat(found).containsExactly("5 new-field " + drift, "6 nulls user_id", "7 malformed ");
    // Minute 7 is the last judged: its episode may go on; the earlier ones ended and are gone.
    assertThat(checker.episodesGoingOn()).isEqualTo(1);
  }

  static List<String> run(StreamChecker checker, int minute, int[] tracker, int[] mapping) {
    minute(checker, "tracker", minute, tracker[0], tracker[1], tracker[2], tracker[3]);
    minute(checker, "mapping", minute, mapping[0], 0, 0, 0);
    List<String> found = new ArrayList<>();
    for (StreamChecker.Finding finding : checker.advance()) {
      found.add(
          "%d %s %s %s episode %d"
              .formatted(
                  (finding.minute().toEpochMilli() - T0) / 60_000,
                  finding.source(),
                  finding.check(),
                  finding.field(),
                  (finding.episode().toEpochMilli() - T0) / 60_000));
    }
    return found;
  }

  @Test
  void eachFaultIsFoundInItsMinuteAndSteadyMinutesRaiseNothing() {
    StreamChecker checker = new StreamChecker();
    List<String> found = new ArrayList<>();
    int[] steadyTracker = {120, 0, 2, 1};
    int[] steadyMapping = {60};
    for (int m = 0; m < 8; m++) {
      found.addAll(run(checker, m, steadyTracker, steadyMapping));
    }
    assertThat(found).as("steady minutes").isEmpty();
    assertThat(checker.judgedMinutes()).isGreaterThan(0);

    // Each minute's findings appear once a record of a later minute has passed it.
    found.addAll(run(checker, 8, new int[] {120, 40, 2, 1}, steadyMapping));
    found.addAll(run(checker, 9, steadyTracker, new int[] {5}));
    found.addAll(run(checker, 10, new int[] {120, 0, 70, 1}, new int[] {0}));
    found.addAll(run(checker, 11, new int[] {120, 0, 2, 30}, new int[] {0}));
    found.addAll(run(checker, 12, steadyTracker, steadyMapping));
    found.addAll(run(checker, 13, steadyTracker, steadyMapping));

    // The silent source holds back the records' time of its partition: its minutes, and the
    // other source's with them, close when it is heard again (a live watch closes them by the
    // clock once it has read everything).
    assertThat(found)
        .containsExactlyInAnyOrder(
            "8 tracker new-field experiment episode 8",
            "9 mapping drop  episode 9",
            "10 mapping silent  episode 10",
            "10 tracker nulls user_id episode 10",
            "11 mapping silent  episode 10",
            "11 tracker malformed  episode 11");
  }
}
