package dev.adlake.server;

import static dev.adlake.server.Figures.rate;

import dev.adlake.core.config.ServerConfig;
import dev.adlake.server.Figures.Estimate;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /api/top-ads}: the ads ranked by a metric over a range, of every advertiser or of one
 * campaign or advertiser, a page at a time; every figure exact.
 */
final class TopAdsEndpoint {
  static final int DEFAULT_TOP_ADS = 20;

  private final ServerConfig config;
  private final ServingQueries queries;

  TopAdsEndpoint(ServerConfig config, ServingQueries queries) {
    this.config = config;
    this.queries = queries;
  }

  record TopAd(
      int rank,
      int adId,
      int campaignId,
      int advertiserId,
      long impressions,
      long clicks,
      long conversions,
      Double ctr,
      Double conversionRate) {}

  record TopAdsAnswer(
      String metric,
      String from,
      String to,
      Integer campaign,
      Integer advertiser,
      int limit,
      int offset,
      boolean more,
      List<TopAd> ads,
      List<String> exact,
      List<Estimate> estimates) {}

  Object topAds(Context context) {
    String metricName = Optional.ofNullable(context.queryParam("metric")).orElse("impressions");
    ServingQueries.RankMetric metric;
    try {
      metric = ServingQueries.RankMetric.valueOf(metricName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadParameterException(
          "metric",
          "Unknown metric '%s': expected impressions, clicks, conversions or ctr"
              .formatted(metricName));
    }
    TimeRange range = ApiParameters.range(context, config);
    Integer campaign = ApiParameters.optionalPositiveInteger(context, "campaign");
    Integer advertiser = ApiParameters.optionalPositiveInteger(context, "advertiser");
    if (campaign != null && advertiser != null) {
      throw new BadParameterException(
          "advertiser",
          "Give campaign or advertiser, not both (campaign %d, advertiser %d)"
              .formatted(campaign, advertiser));
    }
    int limit = ApiParameters.limit(context, DEFAULT_TOP_ADS, config);
    int offset = ApiParameters.offset(context);
    ServingQueries.Scope scope =
        campaign != null
            ? ServingQueries.Scope.CAMPAIGN
            : advertiser != null ? ServingQueries.Scope.ADVERTISER : ServingQueries.Scope.ALL;
    Integer scopeId = campaign != null ? campaign : advertiser;
    List<ServingQueries.AdFigures> rows =
        queries.topAds(scope, metric, scopeId, range, limit + 1, offset);
    List<TopAd> ads = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, rows.size()); i++) {
      ServingQueries.AdFigures row = rows.get(i);
      ads.add(
          new TopAd(
              offset + i + 1,
              row.id(),
              row.campaignId(),
              row.advertiserId(),
              row.impressions(),
              row.clicks(),
              row.conversions(),
              rate(row.clicks(), row.impressions()),
              rate(row.conversions(), row.clicks())));
    }
    return new TopAdsAnswer(
        metric.name().toLowerCase(Locale.ROOT),
        range.from().toString(),
        range.to().toString(),
        campaign,
        advertiser,
        limit,
        offset,
        rows.size() > limit,
        ads,
        Figures.EXACT.stream().map(figure -> "ads." + figure).toList(),
        List.of());
  }
}
