package dev.adlake.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.table.Retention.TimeRange;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-03-10T15:42:00Z");

  @Test
  void parsesAndPrintsEachForm() {
    for (String text : List.of("forever", "90d", "48h", "month-ends-after 30d")) {
      assertThat(Retention.parse(text).text()).isEqualTo(text);
    }
    assertThatThrownBy(() -> Retention.parse("month-ends-after 3h"))
        .hasMessageContaining("'month-ends-after 3h' is not a retention");
    assertThatThrownBy(() -> Retention.parse("0d")).hasMessageContaining("is not a retention");
  }

  @Test
  void daysKeepTodayAndTheDaysBefore() {
    assertThat(Retention.days(7).cutoff(NOW)).contains(Instant.parse("2026-03-03T00:00:00Z"));
    assertThat(Retention.hours(6).cutoff(NOW)).contains(Instant.parse("2026-03-10T09:00:00Z"));
    assertThat(Retention.FOREVER.cutoff(NOW)).isEmpty();
    assertThat(Retention.days(7).removedRanges(Instant.parse("2026-02-20T13:15:00Z"), NOW))
        .containsExactly(
            new TimeRange(
                Instant.parse("2026-02-20T00:00:00Z"), Instant.parse("2026-03-03T00:00:00Z")));
    // Nothing older than the cutoff: nothing goes.
    assertThat(Retention.days(7).removedRanges(Instant.parse("2026-03-03T00:00:00Z"), NOW))
        .isEmpty();
    assertThat(Retention.FOREVER.removedRanges(Instant.EPOCH, NOW)).isEmpty();
  }

  @Test
  void monthEndsStayAfterTheDays() {
    // From 2025-12-29 to the cutoff 2026-03-03: keeps Dec 31, Jan 31 and Feb 28.
    List<TimeRange> ranges =
        Retention.monthEndsAfterDays(7).removedRanges(Instant.parse("2025-12-29T05:00:00Z"), NOW);
    assertThat(ranges)
        .containsExactly(
            range("2025-12-29", "2025-12-31"),
            range("2026-01-01", "2026-01-31"),
            range("2026-02-01", "2026-02-28"),
            range("2026-03-01", "2026-03-03"));
    for (LocalDate day = LocalDate.parse("2025-12-29");
        day.isBefore(LocalDate.parse("2026-03-03"));
        day = day.plusDays(1)) {
      Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
      boolean removed =
          ranges.stream().anyMatch(r -> !start.isBefore(r.start()) && start.isBefore(r.end()));
      assertThat(removed).as(day.toString()).isEqualTo(!Retention.isMonthEnd(day));
    }
    // Oldest data on a month end: it stays, the next days go.
    assertThat(
            Retention.monthEndsAfterDays(7)
                .removedRanges(Instant.parse("2026-02-28T10:00:00Z"), NOW))
        .containsExactly(range("2026-03-01", "2026-03-03"));
  }

  private static TimeRange range(String from, String to) {
    return new TimeRange(
        LocalDate.parse(from).atStartOfDay(ZoneOffset.UTC).toInstant(),
        LocalDate.parse(to).atStartOfDay(ZoneOffset.UTC).toInstant());
  }
}
