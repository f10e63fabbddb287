package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.generator.serving.SimulatedTraffic;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EXPLAINs every SQL text the API runs, with realistic parameters on the analysed generated data,
 * and checks that each reads the big tables through the index it was written for.
 */
class ServingIndexIT {
  static ServingFixture fixture;
  static final LocalDate START = ServingFixture.OPTIONS.startDate();
  static final int CAMPAIGN = SimulatedTraffic.FIRST_CAMPAIGN_ID + 7;
  static final int ADVERTISER = SimulatedTraffic.FIRST_ADVERTISER_ID + 3;
  static final int AD = SimulatedTraffic.FIRST_AD_ID + 42;

  @BeforeAll
  static void start() {
    fixture = ServingFixture.get();
  }

  /** The plan of a statement, its parameters bound in order (dates, instants, texts, ints). */
  static String plan(String sql, Object... parameters) throws SQLException {
    try (Connection connection = fixture.store.dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < parameters.length; i++) {
        Object parameter = parameters[i];
        if (parameter instanceof Instant instant) {
          statement.setTimestamp(i + 1, Timestamp.from(instant));
        } else {
          statement.setObject(i + 1, parameter);
        }
      }
      List<String> lines = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          lines.add(result.getString(1));
        }
      }
      return String.join("\n", lines);
    }
  }

  static void assertUses(String plan, String... indexes) {
    for (String index : indexes) {
      assertThat(plan)
          .as("plan uses %s", index)
          .containsPattern(
              "(Index Scan|Index Only Scan|Bitmap Index Scan)( Backward)? (using|on) "
                  + index
                  + "\\b");
    }
    assertThat(plan).doesNotContain("Seq Scan on metrics_hourly");
    assertThat(plan).doesNotContain("Seq Scan on metrics_daily");
    assertThat(plan).doesNotContain("Seq Scan on dimension_daily");
  }

  static Instant hour(int hoursAfterStart) {
    return TimeRange.startOf(START).plus(Duration.ofHours(hoursAfterStart));
  }

  @Test
  void seriesReadTheirEntityByPrimaryKey() throws SQLException {
    assertUses(
        plan(ServingQueries.SERIES_DAILY, "campaign", CAMPAIGN, START, START.plusDays(30)),
        "metrics_daily_pkey");
    assertUses(
        plan(ServingQueries.SERIES_HOURLY, "ad", AD, hour(24), hour(24 * 8)),
        "metrics_hourly_pkey");
    assertUses(
        plan(ServingQueries.SERIES_HOURLY, "advertiser", ADVERTISER, hour(0), hour(24 * 31)),
        "metrics_hourly_pkey");
  }

  @Test
  void rangeTotalsReadDaysAndEdgeHoursByPrimaryKey() throws SQLException {
    TimeRange range = new TimeRange(hour(29), hour(24 * 20 + 5));
    assertUses(
        plan(
            ServingQueries.RANGE_ROWS,
            "campaign",
            CAMPAIGN,
            range.firstWholeDay(),
            range.endWholeDay(),
            "campaign",
            CAMPAIGN,
            range.leadingHoursFrom(),
            range.leadingHoursTo(),
            "campaign",
            CAMPAIGN,
            range.trailingHoursFrom(),
            range.trailingHoursTo()),
        "metrics_daily_pkey",
        "metrics_hourly_pkey");
  }

  @Test
  void thePreAggregationLoadsEverythingOnce() throws SQLException {
    // Built once per refresh, it reads every campaign and advertiser row: a sequential scan is
    // the right plan for that, so only its table is checked.
    assertThat(plan(DailyUniquesIndex.DAILY_GROUP_SKETCHES)).contains("metrics_daily");
  }

  @Test
  void topAdsUseTheIndexOfTheirScope() throws SQLException {
    TimeRange range = new TimeRange(hour(24 * 10 + 6), hour(24 * 17 + 18));
    for (ServingQueries.RankMetric metric : ServingQueries.RankMetric.values()) {
      assertUses(
          plan(
              ServingQueries.topAdsSql(ServingQueries.Scope.CAMPAIGN, metric),
              CAMPAIGN,
              range.firstWholeDay(),
              range.endWholeDay(),
              CAMPAIGN,
              range.leadingHoursFrom(),
              range.leadingHoursTo(),
              CAMPAIGN,
              range.trailingHoursFrom(),
              range.trailingHoursTo(),
              20,
              0),
          "metrics_daily_ads_of_campaign",
          "metrics_hourly_ads_of_campaign");
      assertUses(
          plan(
              ServingQueries.topAdsSql(ServingQueries.Scope.ADVERTISER, metric),
              ADVERTISER,
              range.firstWholeDay(),
              range.endWholeDay(),
              ADVERTISER,
              range.leadingHoursFrom(),
              range.leadingHoursTo(),
              ADVERTISER,
              range.trailingHoursFrom(),
              range.trailingHoursTo(),
              20,
              0),
          "metrics_daily_ads_of_advertiser",
          "metrics_hourly_ads_of_advertiser");
    }
    // Across all ads: a day of the month, read by day and by hour.
    TimeRange day = new TimeRange(hour(24 * 12 + 6), hour(24 * 13 + 6));
    assertUses(
        plan(
            ServingQueries.topAdsSql(ServingQueries.Scope.ALL, ServingQueries.RankMetric.CTR),
            day.firstWholeDay(),
            day.endWholeDay(),
            day.leadingHoursFrom(),
            day.leadingHoursTo(),
            day.trailingHoursFrom(),
            day.trailingHoursTo(),
            20,
            0),
        "metrics_hourly_by_hour");
  }

  @Test
  void breakdownsUseTheDimensionIndexes() throws SQLException {
    assertUses(
        plan(
            ServingQueries.BREAKDOWN_OF_CAMPAIGN,
            "site_domain",
            CAMPAIGN,
            START,
            START.plusDays(14),
            100,
            0),
        "dimension_daily_pkey");
    assertUses(
        plan(
            ServingQueries.BREAKDOWN_OF_ADVERTISER,
            "device_type",
            ADVERTISER,
            START,
            START.plusDays(14),
            100,
            0),
        "dimension_daily_of_advertiser");
  }

  @Test
  void statusAndFilterListsUseIndexes() throws SQLException {
    assertUses(plan(ServingQueries.NEWEST_HOUR), "metrics_hourly_by_hour");
    LocalDate since = START.plusDays(30 - ServingQueries.ACTIVE_DAYS);
    assertUses(plan(ServingQueries.ADVERTISERS, since), "metrics_daily_by_day");
    assertUses(plan(ServingQueries.CAMPAIGNS, since), "metrics_daily_by_day");
    assertUses(
        plan(ServingQueries.CAMPAIGNS_OF_ADVERTISER, since, ADVERTISER), "metrics_daily_by_day");
    // serving.refreshes holds a row per refresh: tiny, so any plan is cheap; it must not fail.
    assertThat(plan(ServingQueries.LATEST_REFRESH)).contains("refreshes");
  }
}
