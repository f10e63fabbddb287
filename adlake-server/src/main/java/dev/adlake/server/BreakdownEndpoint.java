package dev.adlake.server;

import static dev.adlake.server.Figures.rate;

import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.server.Figures.Estimate;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/breakdown}: the figures of a campaign or advertiser by site domain or device type
 * over whole days, a page at a time; every figure exact.
 */
final class BreakdownEndpoint {
  static final int DEFAULT_BREAKDOWN_ROWS = 100;

  private final ServerConfig config;
  private final ServingQueries queries;

  BreakdownEndpoint(ServerConfig config, ServingQueries queries) {
    this.config = config;
    this.queries = queries;
  }

  record BreakdownValue(String value, long impressions, long clicks, Double ctr) {}

  record BreakdownAnswer(
      String dimension,
      String level,
      int id,
      String from,
      String to,
      int limit,
      int offset,
      boolean more,
      List<BreakdownValue> values,
      List<String> exact,
      List<Estimate> estimates) {}

  Object breakdown(Context context) {
    String dimension = context.queryParam("dimension");
    if (dimension == null || dimension.isBlank()) {
      throw new BadParameterException(
          "dimension", "dimension is required: site_domain or device_type");
    }
    if (!dimension.equals("site_domain") && !dimension.equals("device_type")) {
      throw new BadParameterException(
          "dimension",
          "Unknown dimension '%s': expected site_domain or device_type".formatted(dimension));
    }
    EntityLevel level = ApiParameters.level(context, true);
    int id = ApiParameters.positiveInteger(context, "id", null);
    TimeRange range = ApiParameters.range(context, config);
    ApiParameters.requireDayAligned(range);
    int limit = ApiParameters.limit(context, DEFAULT_BREAKDOWN_ROWS, config);
    int offset = ApiParameters.offset(context);
    List<ServingQueries.DimensionFigures> rows =
        queries.breakdown(
            dimension,
            level,
            id,
            LocalDate.ofInstant(range.from(), ZoneOffset.UTC),
            LocalDate.ofInstant(range.to(), ZoneOffset.UTC),
            limit + 1,
            offset);
    List<BreakdownValue> values = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, rows.size()); i++) {
      ServingQueries.DimensionFigures row = rows.get(i);
      values.add(
          new BreakdownValue(
              row.value(), row.impressions(), row.clicks(), rate(row.clicks(), row.impressions())));
    }
    return new BreakdownAnswer(
        dimension,
        level.sqlName(),
        id,
        range.from().toString(),
        range.to().toString(),
        limit,
        offset,
        rows.size() > limit,
        values,
        List.of("values.impressions", "values.clicks", "values.ctr"),
        List.of());
  }
}
