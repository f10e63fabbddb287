package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.generator.serving.ServingDataTruth;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every endpoint's figures against the generator's truth, and every validation rule. */
class ServingApiIT {
  static ServingFixture fixture;
  static ServingDataTruth truth;
  static String api;
  static final LocalDate START = ServingFixture.OPTIONS.startDate();
  static final LocalDate END = START.plusDays(ServingFixture.OPTIONS.days());

  @BeforeAll
  static void start() {
    fixture = ServingFixture.get();
    truth = fixture.truth;
    api = fixture.server.url() + "/api";
    Awaitility.await().atMost(Duration.ofMinutes(1)).until(fixture.server::preAggregated);
  }

  @Test
  void thePreAggregationAnswersLikeTheStoredSketches() {
    try (AdlakeServer plain =
        AdlakeServer.start(ServingFixture.CONFIG, fixture.store.dataSource(), false, null)) {
      ApiClient.authorize(plain.url(), fixture.token);
      for (int advertiser : truth.advertiserIds()) {
        for (String entity :
            List.of(
                "level=advertiser&id=" + advertiser,
                "level=campaign&id=" + truth.campaignIds(advertiser).get(0))) {
          for (int[] days : new int[][] {{0, 30}, {3, 17}, {5, 6}, {1, 28}}) {
            String query =
                "/api/metrics?%s&from=%s&to=%s&granularity=day"
                    .formatted(entity, START.plusDays(days[0]), START.plusDays(days[1]));
            JsonNode preAggregated = ApiClient.ok(fixture.server.url() + query);
            JsonNode stored = ApiClient.ok(plain.url() + query);
            assertThat(preAggregated.get("points")).isEqualTo(stored.get("points"));
            JsonNode totals = preAggregated.get("totals");
            JsonNode storedTotals = stored.get("totals");
            for (String figure : List.of("impressions", "clicks", "conversions", "ctr")) {
              assertThat(totals.get(figure)).isEqualTo(storedTotals.get(figure));
            }
            // The same registers, merged in another order: the same estimate within rounding.
            assertThat(totals.get("users").asDouble())
                .isCloseTo(storedTotals.get("users").asDouble(), within(2.0));
            assertThat(totals.get("sessions").asDouble())
                .isCloseTo(storedTotals.get("sessions").asDouble(), within(2.0));
          }
        }
      }
    }
  }

  static void assertEstimate(long estimate, long trueCount) {
    assertThat((double) estimate)
        .isCloseTo(trueCount, within(trueCount * HllSketches.RELATIVE_ERROR_95));
  }

  @Test
  void dailyCampaignMetricsEqualTheTruthAndEstimateUsersWithinTheBound() {
    int campaign = truth.campaignIds(truth.advertiserIds().get(2)).get(1);
    JsonNode answer =
        ApiClient.ok(
            "%s/metrics?level=campaign&id=%d&from=%s&to=%s&granularity=day"
                .formatted(api, campaign, START, END));
    ServingDataTruth.Totals expected =
        truth.totals(EntityLevel.CAMPAIGN, campaign, truth.firstHour(), truth.endHour());
    JsonNode totals = answer.get("totals");
    assertThat(totals.get("impressions").asLong()).isEqualTo(expected.impressions());
    assertThat(totals.get("clicks").asLong()).isEqualTo(expected.clicks());
    assertThat(totals.get("conversions").asLong()).isEqualTo(expected.conversions());
    assertThat(totals.get("ctr").asDouble())
        .isCloseTo((double) expected.clicks() / expected.impressions(), within(1e-12));
    assertEstimate(totals.get("users").asLong(), expected.users());
    assertEstimate(totals.get("sessions").asLong(), expected.sessions());
    assertThat(answer.get("points")).hasSize(ServingFixture.OPTIONS.days());
    JsonNode fifth = answer.get("points").get(4);
    Instant day = START.plusDays(4).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    ServingDataTruth.Totals fifthDay =
        truth.totals(EntityLevel.CAMPAIGN, campaign, day, day.plus(Duration.ofDays(1)));
    assertThat(fifth.get("time").asText()).isEqualTo(day.toString());
    assertThat(fifth.get("impressions").asLong()).isEqualTo(fifthDay.impressions());
    assertThat(fifth.get("clicks").asLong()).isEqualTo(fifthDay.clicks());
    assertThat(fifth.get("conversions").asLong()).isEqualTo(fifthDay.conversions());
    assertEstimate(fifth.get("users").asLong(), fifthDay.users());
    assertThat(fieldsOf(answer.get("estimates")))
        .contains("totals.users", "totals.sessions", "points.users");
    assertThat(answer.get("estimates").get(0).get("relativeError95").asDouble()).isEqualTo(0.032);
    assertThat(textsOf(answer.get("exact"))).contains("totals.impressions", "points.clicks");
  }

  @Test
  void hourlyAdvertiserMetricsOverAnUnalignedRangeMergeDaysAndEdgeHours() {
    int advertiser = truth.advertiserIds().get(5);
    Instant from = truth.firstHour().plus(Duration.ofHours(2 * 24 + 5));
    Instant to = truth.firstHour().plus(Duration.ofHours(9 * 24 + 17));
    JsonNode answer =
        ApiClient.ok(
            "%s/metrics?level=advertiser&id=%d&from=%s&to=%s&granularity=hour"
                .formatted(api, advertiser, from, to));
    ServingDataTruth.Totals expected = truth.totals(EntityLevel.ADVERTISER, advertiser, from, to);
    JsonNode totals = answer.get("totals");
    assertThat(totals.get("impressions").asLong()).isEqualTo(expected.impressions());
    assertThat(totals.get("clicks").asLong()).isEqualTo(expected.clicks());
    assertThat(totals.get("conversions").asLong()).isEqualTo(expected.conversions());
    assertEstimate(totals.get("users").asLong(), expected.users());
    assertEstimate(totals.get("sessions").asLong(), expected.sessions());
    assertThat(answer.get("points")).hasSize((int) Duration.between(from, to).toHours());
    long pointImpressions = 0;
    for (JsonNode point : answer.get("points")) {
      pointImpressions += point.get("impressions").asLong();
    }
    assertThat(pointImpressions).isEqualTo(expected.impressions());
  }

  @Test
  void hourlyAdMetricsGiveExactUsersAndSessionsPerHour() {
    int ad =
        truth
            .adIds(EntityLevel.CAMPAIGN, truth.campaignIds(truth.advertiserIds().get(0)).get(0))
            .get(0);
    Instant from = truth.firstHour().plus(Duration.ofHours(24 + 12));
    Instant to = from.plus(Duration.ofHours(6));
    JsonNode answer =
        ApiClient.ok(
            "%s/metrics?level=ad&id=%d&from=%s&to=%s&granularity=hour"
                .formatted(api, ad, from, to));
    for (int hour = 0; hour < 6; hour++) {
      Instant start = from.plus(Duration.ofHours(hour));
      ServingDataTruth.Totals expected =
          truth.totals(EntityLevel.AD, ad, start, start.plus(Duration.ofHours(1)));
      JsonNode point = answer.get("points").get(hour);
      assertThat(point.get("impressions").asLong()).isEqualTo(expected.impressions());
      assertThat(point.get("users").asLong()).isEqualTo(expected.users());
      assertThat(point.get("sessions").asLong()).isEqualTo(expected.sessions());
    }
    assertThat(textsOf(answer.get("exact"))).contains("points.users", "points.sessions");
    assertThat(fieldsOf(answer.get("estimates")))
        .containsExactly("totals.sessions", "totals.users");
  }

  @Test
  void uniqueUsersOverAnUnalignedRangeAreWithinTheBound() {
    // 95% of estimates fall within the bound, so over many campaigns a few may fall outside it:
    // the median error must be well inside it, 90% inside it, and none beyond three sigmas.
    Instant from = truth.firstHour().plus(Duration.ofHours(30));
    Instant to = truth.firstHour().plus(Duration.ofHours(20 * 24 + 3));
    List<Double> errors = new ArrayList<>();
    for (int advertiser : truth.advertiserIds()) {
      for (int campaign : truth.campaignIds(advertiser)) {
        JsonNode answer =
            ApiClient.ok(
                "%s/uniques?level=campaign&id=%d&from=%s&to=%s".formatted(api, campaign, from, to));
        ServingDataTruth.Totals expected = truth.totals(EntityLevel.CAMPAIGN, campaign, from, to);
        errors.add(Math.abs(answer.get("users").asDouble() / expected.users() - 1));
        errors.add(Math.abs(answer.get("sessions").asDouble() / expected.sessions() - 1));
        assertThat(fieldsOf(answer.get("estimates"))).containsExactly("users", "sessions");
      }
    }
    errors.sort(Comparator.naturalOrder());
    System.out.println("Relative errors of unique users and sessions: " + errors);
    assertThat(errors.get(errors.size() / 2)).isLessThan(HllSketches.RELATIVE_ERROR_95 / 2);
    assertThat(errors.stream().filter(error -> error <= HllSketches.RELATIVE_ERROR_95).count())
        .isGreaterThanOrEqualTo((long) Math.ceil(errors.size() * 0.9));
    assertThat(errors.get(errors.size() - 1)).isLessThan(HllSketches.RELATIVE_ERROR_95 * 1.5);
  }

  @Test
  void topAdsOfACampaignByClicksAreTheTruesTopAds() {
    int campaign = truth.campaignIds(truth.advertiserIds().get(1)).get(0);
    Instant from = truth.firstHour().plus(Duration.ofHours(3 * 24 + 7));
    Instant to = truth.firstHour().plus(Duration.ofHours(12 * 24));
    List<long[]> expected = new ArrayList<>();
    for (int ad : truth.adIds(EntityLevel.CAMPAIGN, campaign)) {
      ServingDataTruth.Totals totals = truth.totals(EntityLevel.AD, ad, from, to);
      expected.add(new long[] {ad, totals.impressions(), totals.clicks(), totals.conversions()});
    }
    expected.sort(
        Comparator.comparingLong((long[] row) -> -row[2]).thenComparingLong(row -> row[0]));
    JsonNode answer =
        ApiClient.ok(
            "%s/top-ads?metric=clicks&campaign=%d&from=%s&to=%s&limit=3"
                .formatted(api, campaign, from, to));
    assertThat(answer.get("ads")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode ad = answer.get("ads").get(i);
      assertThat(ad.get("rank").asInt()).isEqualTo(i + 1);
      assertThat(ad.get("adId").asLong()).isEqualTo(expected.get(i)[0]);
      assertThat(ad.get("impressions").asLong()).isEqualTo(expected.get(i)[1]);
      assertThat(ad.get("clicks").asLong()).isEqualTo(expected.get(i)[2]);
      assertThat(ad.get("conversions").asLong()).isEqualTo(expected.get(i)[3]);
      assertThat(ad.get("campaignId").asInt()).isEqualTo(campaign);
    }
    assertThat(answer.get("more").asBoolean()).isEqualTo(expected.size() > 3);
  }

  @Test
  void topAdsArePagedWithLimitAndOffset() {
    String url =
        "%s/top-ads?metric=impressions&from=%s&to=%s".formatted(api, START, START.plusDays(3));
    JsonNode first = ApiClient.ok(url + "&limit=10");
    JsonNode second = ApiClient.ok(url + "&limit=10&offset=10");
    JsonNode both = ApiClient.ok(url + "&limit=20");
    assertThat(first.get("more").asBoolean()).isTrue();
    assertThat(second.get("ads").get(0).get("rank").asInt()).isEqualTo(11);
    for (int i = 0; i < 10; i++) {
      assertThat(both.get("ads").get(i).get("adId")).isEqualTo(first.get("ads").get(i).get("adId"));
      assertThat(both.get("ads").get(10 + i).get("adId"))
          .isEqualTo(second.get("ads").get(i).get("adId"));
    }
    int topAd = first.get("ads").get(0).get("adId").asInt();
    assertThat(first.get("ads").get(0).get("impressions").asLong())
        .isEqualTo(
            truth
                .totals(
                    EntityLevel.AD,
                    topAd,
                    truth.firstHour(),
                    truth.firstHour().plus(Duration.ofDays(3)))
                .impressions());
  }

  @Test
  void breakdownByDeviceAndSiteEqualsTheTruth() {
    int advertiser = truth.advertiserIds().get(4);
    LocalDate from = START.plusDays(5);
    LocalDate to = START.plusDays(12);
    List<ServingDataTruth.DimensionTotals> expected =
        truth.breakdown("device_type", EntityLevel.ADVERTISER, advertiser, from, to);
    JsonNode answer =
        ApiClient.ok(
            "%s/breakdown?dimension=device_type&level=advertiser&id=%d&from=%s&to=%s"
                .formatted(api, advertiser, from, to));
    assertThat(answer.get("values")).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      JsonNode value = answer.get("values").get(i);
      assertThat(value.get("value").asText()).isEqualTo(expected.get(i).value());
      assertThat(value.get("impressions").asLong()).isEqualTo(expected.get(i).impressions());
      assertThat(value.get("clicks").asLong()).isEqualTo(expected.get(i).clicks());
    }
    int campaign = truth.campaignIds(advertiser).get(0);
    List<ServingDataTruth.DimensionTotals> sites =
        truth.breakdown("site_domain", EntityLevel.CAMPAIGN, campaign, from, to);
    JsonNode siteAnswer =
        ApiClient.ok(
            "%s/breakdown?dimension=site_domain&level=campaign&id=%d&from=%s&to=%s&limit=5"
                .formatted(api, campaign, from, to));
    assertThat(siteAnswer.get("values")).hasSize(5);
    assertThat(siteAnswer.get("more").asBoolean()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(siteAnswer.get("values").get(i).get("value").asText())
          .isEqualTo(sites.get(i).value());
      assertThat(siteAnswer.get("values").get(i).get("impressions").asLong())
          .isEqualTo(sites.get(i).impressions());
    }
  }

  @Test
  void statusAndFilterListsDescribeTheGeneratedData() {
    JsonNode status = ApiClient.ok(api + "/status");
    Instant lastHour = truth.endHour().minus(Duration.ofHours(1));
    assertThat(status.get("newestHour").asText()).isEqualTo(lastHour.toString());
    assertThat(status.get("lastHour").asText()).isEqualTo(lastHour.toString());
    assertThat(status.get("lastRefreshAt").isNull()).isFalse();
    List<Integer> advertisers = new ArrayList<>();
    ApiClient.ok(api + "/advertisers")
        .get("advertisers")
        .forEach(a -> advertisers.add(a.get("id").asInt()));
    assertThat(advertisers).isEqualTo(truth.advertiserIds());
    int advertiser = truth.advertiserIds().get(6);
    List<Integer> campaigns = new ArrayList<>();
    ApiClient.ok(api + "/campaigns?advertiser=" + advertiser)
        .get("campaigns")
        .forEach(c -> campaigns.add(c.get("id").asInt()));
    assertThat(campaigns).isEqualTo(truth.campaignIds(advertiser));
  }

  static Stream<Arguments> invalidRequests() {
    String range = "&from=%s&to=%s".formatted(START, START.plusDays(3));
    return Stream.of(
        Arguments.of("/metrics?id=2001" + range, "level"),
        Arguments.of("/metrics?level=creative&id=2001" + range, "level"),
        Arguments.of("/metrics?level=campaign" + range, "id"),
        Arguments.of("/metrics?level=campaign&id=abc" + range, "id"),
        Arguments.of("/metrics?level=campaign&id=-4" + range, "id"),
        Arguments.of("/metrics?level=campaign&id=2001&to=2026-03-04", "from"),
        Arguments.of("/metrics?level=campaign&id=2001&from=2026-03-01", "to"),
        Arguments.of("/metrics?level=campaign&id=2001&from=2026-13-01&to=2026-03-04", "from"),
        Arguments.of(
            "/metrics?level=campaign&id=2001&from=2026-03-01T05:30:00Z&to=2026-03-04", "from"),
        Arguments.of("/metrics?level=campaign&id=2001&from=2026-03-05&to=2026-03-04", "to"),
        Arguments.of("/metrics?level=campaign&id=2001&from=2026-03-01&to=2026-03-01", "to"),
        Arguments.of("/metrics?level=campaign&id=2001&from=2025-01-01&to=2026-03-04", "to"),
        Arguments.of("/metrics?level=campaign&id=2001&granularity=week" + range, "granularity"),
        Arguments.of(
            "/metrics?level=campaign&id=2001&granularity=hour&from=2026-03-01&to=2026-04-15",
            "granularity"),
        Arguments.of(
            "/metrics?level=campaign&id=2001&granularity=day&from=2026-03-01T05:00:00Z&to=2026-03-04",
            "from"),
        Arguments.of("/uniques?level=ad&id=10001&from=2026-03-01", "to"),
        Arguments.of("/top-ads?metric=revenue" + range, "metric"),
        Arguments.of("/top-ads?metric=clicks&limit=501" + range, "limit"),
        Arguments.of("/top-ads?metric=clicks&limit=0" + range, "limit"),
        Arguments.of("/top-ads?metric=clicks&offset=-1" + range, "offset"),
        Arguments.of("/top-ads?campaign=x" + range, "campaign"),
        Arguments.of("/top-ads?campaign=2001&advertiser=101" + range, "advertiser"),
        Arguments.of("/breakdown?level=campaign&id=2001" + range, "dimension"),
        Arguments.of("/breakdown?dimension=browser&level=campaign&id=2001" + range, "dimension"),
        Arguments.of("/breakdown?dimension=site_domain&level=ad&id=10001" + range, "level"),
        Arguments.of(
            "/breakdown?dimension=site_domain&level=campaign&id=2001&limit=1000" + range, "limit"),
        Arguments.of("/campaigns?advertiser=0", "advertiser"));
  }

  @ParameterizedTest(name = "{0} names {1}")
  @MethodSource("invalidRequests")
  void invalidRequestsAnswer400NamingTheParameter(String path, String parameter) {
    ApiClient.Answer answer = ApiClient.get(api + path);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("parameter").asText()).isEqualTo(parameter);
    assertThat(answer.body().get("error").asText()).contains(parameter);
  }

  @Test
  void unknownPathsAnswer404InJson() {
    ApiClient.Answer answer = ApiClient.get(api + "/nothing-here");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body().get("error").asText())
        .isEqualTo("No such path: GET /api/nothing-here");
  }

  @Test
  void theOpenApiDescriptionListsEveryEndpoint() {
    JsonNode openApi = ApiClient.ok(fixture.server.url() + "/openapi.json");
    assertThat(openApi.get("openapi").asText()).startsWith("3.");
    List<String> paths = new ArrayList<>();
    openApi.get("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "/api/metrics",
            "/api/uniques",
            "/api/top-ads",
            "/api/breakdown",
            "/api/status",
            "/api/advertisers",
            "/api/campaigns",
            "/api/runs",
            "/api/pipeline-runs",
            "/api/pipeline-runs/{id}/runs",
            "/api/alerts",
            "/api/pipeline",
            "/api/whoami",
            "/api/tokens",
            "/api/audit",
            "/login",
            "/logout",
            "/mapping/sync",
            "/mapping/bulk");
  }

  private static List<String> fieldsOf(JsonNode estimates) {
    List<String> fields = new ArrayList<>();
    estimates.forEach(estimate -> fields.add(estimate.get("field").asText()));
    return fields;
  }

  private static List<String> textsOf(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
