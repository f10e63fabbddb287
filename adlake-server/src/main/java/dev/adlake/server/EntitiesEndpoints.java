package dev.adlake.server;

import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/advertisers} and {@code GET /api/campaigns}: the advertisers and campaigns active
 * in the newest {@value ServingQueries#ACTIVE_DAYS} days of data, the dashboard's filter lists;
 * empty lists when the store is empty.
 */
final class EntitiesEndpoints {
  private final ServingQueries queries;

  EntitiesEndpoints(ServingQueries queries) {
    this.queries = queries;
  }

  record Campaign(int id, int advertiserId) {}

  Object advertisers(Context context) {
    Optional<LocalDate> since = activeSince();
    List<Map<String, Integer>> advertisers = new ArrayList<>();
    if (since.isPresent()) {
      for (int id : queries.advertisers(since.get())) {
        advertisers.add(Map.of("id", id));
      }
    }
    return Map.of("advertisers", advertisers, "activeDays", ServingQueries.ACTIVE_DAYS);
  }

  Object campaigns(Context context) {
    Integer advertiser = ApiParameters.optionalPositiveInteger(context, "advertiser");
    Optional<LocalDate> since = activeSince();
    List<Campaign> campaigns = new ArrayList<>();
    if (since.isPresent()) {
      for (ServingQueries.Campaign campaign : queries.campaigns(since.get(), advertiser)) {
        campaigns.add(new Campaign(campaign.id(), campaign.advertiserId()));
      }
    }
    return Map.of("campaigns", campaigns, "activeDays", ServingQueries.ACTIVE_DAYS);
  }

  /** The first day of the newest week of data: the filter lists show what was active then. */
  private Optional<LocalDate> activeSince() {
    return queries
        .newestHour()
        .map(
            hour ->
                LocalDate.ofInstant(hour, ZoneOffset.UTC)
                    .minusDays(ServingQueries.ACTIVE_DAYS - 1));
  }
}
