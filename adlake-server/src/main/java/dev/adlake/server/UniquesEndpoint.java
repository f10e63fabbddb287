package dev.adlake.server;

import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.server.Figures.Estimate;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code GET /api/uniques}: the unique users and sessions of an ad, campaign or advertiser over a
 * range, merged from daily sketches for whole days and hourly ones for the edges; both estimates.
 */
final class UniquesEndpoint {
  private final ServerConfig config;
  private final ServingQueries queries;

  UniquesEndpoint(ServerConfig config, ServingQueries queries) {
    this.config = config;
    this.queries = queries;
  }

  record UniquesAnswer(
      String level,
      int id,
      String from,
      String to,
      long users,
      long sessions,
      List<String> exact,
      List<Estimate> estimates) {}

  Object uniques(Context context) {
    EntityLevel level = ApiParameters.level(context, false);
    int id = ApiParameters.positiveInteger(context, "id", null);
    TimeRange range = ApiParameters.range(context, config);
    ServingQueries.RangeTotals totals = queries.rangeTotals(level, id, range);
    return new UniquesAnswer(
        level.sqlName(),
        id,
        range.from().toString(),
        range.to().toString(),
        totals.users(),
        totals.sessions(),
        List.of(),
        List.of(
            new Estimate("users", HllSketches.RELATIVE_ERROR_95),
            new Estimate("sessions", HllSketches.RELATIVE_ERROR_95)));
  }
}
