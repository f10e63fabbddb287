package dev.adlake.server;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * {@code GET /api/status}: the freshness of the serving store, its last refresh and newest hour,
 * and the server's clock; null times when the store is empty.
 */
final class StatusEndpoint {
  private final ServingQueries queries;

  StatusEndpoint(ServingQueries queries) {
    this.queries = queries;
  }

  record StatusAnswer(
      String lastRefreshAt, String firstHour, String lastHour, String newestHour, String now) {}

  Object status(Context context) {
    Optional<ServingQueries.Refresh> refresh = queries.latestRefresh();
    Optional<Instant> newestHour = queries.newestHour();
    return new StatusAnswer(
        refresh.map(r -> r.refreshedAt().toString()).orElse(null),
        refresh.map(ServingQueries.Refresh::firstHour).map(Instant::toString).orElse(null),
        refresh.map(ServingQueries.Refresh::lastHour).map(Instant::toString).orElse(null),
        newestHour.map(Instant::toString).orElse(null),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
