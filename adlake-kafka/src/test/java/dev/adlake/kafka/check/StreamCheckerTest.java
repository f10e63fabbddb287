package dev.adlake.kafka.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
