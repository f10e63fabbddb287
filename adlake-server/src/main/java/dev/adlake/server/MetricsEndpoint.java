package dev.adlake.server;

import static dev.adlake.server.Figures.rate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.server.Figures.Estimate;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /api/metrics}: the series and totals of an ad, campaign or advertiser by day or hour.
 * Whole-day series of campaigns and advertisers come from the {@link DailyUniquesIndex} when it
 * covers them, else from the stored rows; sessions and users are estimates unless exact per hour.
 */
final class MetricsEndpoint {
  /** The most points an hour-granularity series may have: 31 days. */
  static final int MAX_HOUR_POINTS = 744;

  private final ServerConfig config;
  private final ServingQueries queries;
  private final Supplier<DailyUniquesIndex> uniquesIndex;

  MetricsEndpoint(
      ServerConfig config, ServingQueries queries, Supplier<DailyUniquesIndex> uniquesIndex) {
    this.config = config;
    this.queries = queries;
    this.uniquesIndex = uniquesIndex;
  }

  record Point(
      String time,
      long impressions,
      long clicks,
      long conversions,
      Double ctr,
      Double conversionRate,
      long sessions,
      long users) {}

  record Totals(
      long impressions,
      long clicks,
      long conversions,
      Double ctr,
      Double conversionRate,
      long sessions,
      long users) {}

  record MetricsAnswer(
      String level,
      int id,
      String from,
      String to,
      String granularity,
      List<Point> points,
      Totals totals,
      List<String> exact,
      List<Estimate> estimates) {}

  Object metrics(Context context) {
    EntityLevel level = ApiParameters.level(context, false);
    int id = ApiParameters.positiveInteger(context, "id", null);
    TimeRange range = ApiParameters.range(context, config);
    String granularity = Optional.ofNullable(context.queryParam("granularity")).orElse("day");
    List<ServingQueries.MetricsRow> rows;
    ServingQueries.RangeTotals totals;
    List<Point> points = new ArrayList<>();
    switch (granularity) {
      case "day" -> {
        ApiParameters.requireDayAligned(range);
        LocalDate from = LocalDate.ofInstant(range.from(), ZoneOffset.UTC);
        LocalDate to = LocalDate.ofInstant(range.to(), ZoneOffset.UTC);
        DailyUniquesIndex index = uniquesIndex.get();
        if (level != EntityLevel.AD && index != null && index.covers(level, id, from, to)) {
          rows = preAggregatedRows(index, level, id, from, to);
          totals = preAggregatedTotals(index, level, id, from, to, rows);
          fillPoints(points, rows, range, Duration.ofDays(1), index, level, id);
        } else {
          rows = queries.dailySeries(level, id, from, to);
          // The same rows cover the range: one query answers both the series and the totals.
          totals = ServingQueries.totals(rows);
          fillPoints(points, rows, range, Duration.ofDays(1), null, level, id);
        }
      }
      case "hour" -> {
        if (range.hours() > MAX_HOUR_POINTS) {
          throw new BadParameterException(
              "granularity",
              "Hour granularity covers at most %d hours (31 days); the range from %s to %s has %d"
                  .formatted(MAX_HOUR_POINTS, range.from(), range.to(), range.hours()));
        }
        rows = queries.hourlySeries(level, id, range.from(), range.to());
        totals = queries.rangeTotals(level, id, range);
        fillPoints(points, rows, range, Duration.ofHours(1), null, level, id);
      }
      default ->
          throw new BadParameterException(
              "granularity",
              "Unknown granularity '%s': expected day or hour".formatted(granularity));
    }
    List<Estimate> estimates = new ArrayList<>();
    if (!(level == EntityLevel.AD && granularity.equals("hour"))) {
      estimates.add(new Estimate("points.sessions", HllSketches.RELATIVE_ERROR_95));
      estimates.add(new Estimate("points.users", HllSketches.RELATIVE_ERROR_95));
    }
    estimates.add(new Estimate("totals.sessions", HllSketches.RELATIVE_ERROR_95));
    estimates.add(new Estimate("totals.users", HllSketches.RELATIVE_ERROR_95));
    List<String> exact = new ArrayList<>();
    for (String figure : Figures.EXACT) {
      exact.add("points." + figure);
      exact.add("totals." + figure);
    }
    if (level == EntityLevel.AD && granularity.equals("hour")) {
      exact.add("points.sessions");
      exact.add("points.users");
    }
    return new MetricsAnswer(
        level.sqlName(),
        id,
        range.from().toString(),
        range.to().toString(),
        granularity,
        points,
        new Totals(
            totals.impressions(),
            totals.clicks(),
            totals.conversions(),
            rate(totals.clicks(), totals.impressions()),
            rate(totals.conversions(), totals.clicks()),
            totals.sessions(),
            totals.users()),
        exact,
        estimates);
  }

  private static List<ServingQueries.MetricsRow> preAggregatedRows(
      DailyUniquesIndex index, EntityLevel level, int id, LocalDate from, LocalDate to) {
    DailyUniquesIndex.Entity entity = index.entity(level, id);
    List<ServingQueries.MetricsRow> rows = new ArrayList<>();
    for (int day = index.dayIndex(from); day < index.dayIndex(to); day++) {
      long[] figures = entity.dayFigures[day];
      if (figures != null) {
        rows.add(
            new ServingQueries.MetricsRow(
                TimeRange.startOf(index.firstDay().plusDays(day)),
                figures[0],
                figures[1],
                figures[2],
                null,
                null,
                null,
                null));
      }
    }
    return rows;
  }

  /** Totals from the figures' rows and unique counts merged from pre-aggregated blocks. */
  private ServingQueries.RangeTotals preAggregatedTotals(
      DailyUniquesIndex index,
      EntityLevel level,
      int id,
      LocalDate from,
      LocalDate to,
      List<ServingQueries.MetricsRow> rows) {
    long impressions = 0;
    long clicks = 0;
    long conversions = 0;
    for (ServingQueries.MetricsRow row : rows) {
      impressions += row.impressions();
      clicks += row.clicks();
      conversions += row.conversions();
    }
    DailyUniquesIndex.Plan plan = DailyUniquesIndex.plan(index.dayIndex(from), index.dayIndex(to));
    DailyUniquesIndex.Entity entity = index.entity(level, id);
    org.apache.datasketches.hll.Union sessions = HllSketches.newUnion();
    org.apache.datasketches.hll.Union users = HllSketches.newUnion();
    for (int[] block : plan.blocks()) {
      sessions.update(entity.sessionBlocks[block[0]][block[1]]);
      users.update(entity.userBlocks[block[0]][block[1]]);
    }
    // The days around the blocks come from the index too: an answer needs no query for them.
    for (int[] singles : plan.singleDayRanges()) {
      for (int day = singles[0]; day < singles[1]; day++) {
        if (entity.sessionDays[day] != null) {
          sessions.update(entity.sessionDays[day]);
          users.update(entity.userDays[day]);
        }
      }
    }
    return new ServingQueries.RangeTotals(
        impressions,
        clicks,
        conversions,
        HllSketches.estimate(sessions),
        HllSketches.estimate(users),
        rows.size());
  }

  private static void fillPoints(
      List<Point> points,
      List<ServingQueries.MetricsRow> rows,
      TimeRange range,
      Duration step,
      DailyUniquesIndex index,
      EntityLevel level,
      int id) {
    DailyUniquesIndex.Entity entity = index == null ? null : index.entity(level, id);
    Map<Instant, ServingQueries.MetricsRow> byTime = new HashMap<>();
    for (ServingQueries.MetricsRow row : rows) {
      byTime.put(row.time(), row);
    }
    for (Instant time = range.from(); time.isBefore(range.to()); time = time.plus(step)) {
      ServingQueries.MetricsRow row = byTime.get(time);
      if (row == null) {
        points.add(new Point(time.toString(), 0, 0, 0, null, null, 0, 0));
        continue;
      }
      long sessions;
      long users;
      if (entity != null) {
        int day = index.dayIndex(LocalDate.ofInstant(time, ZoneOffset.UTC));
        sessions = entity.daySessions[day];
        users = entity.dayUsers[day];
      } else {
        sessions =
            row.sessions() != null ? row.sessions() : HllSketches.estimate(row.sessionsSketch());
        users = row.users() != null ? row.users() : HllSketches.estimate(row.usersSketch());
      }
      points.add(
          new Point(
              time.toString(),
              row.impressions(),
              row.clicks(),
              row.conversions(),
              rate(row.clicks(), row.impressions()),
              rate(row.conversions(), row.clicks()),
              sessions,
              users));
    }
  }

  /** Writes a point's fields in order, without reflection: points are most of an answer's bytes. */
  static final class PointSerializer extends StdSerializer<Point> {
    PointSerializer() {
      super(Point.class);
    }

    @Override
    public void serialize(Point point, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeStartObject();
      generator.writeStringField("time", point.time());
      generator.writeNumberField("impressions", point.impressions());
      generator.writeNumberField("clicks", point.clicks());
      generator.writeNumberField("conversions", point.conversions());
      writeNullableNumber(generator, "ctr", point.ctr());
      writeNullableNumber(generator, "conversionRate", point.conversionRate());
      generator.writeNumberField("sessions", point.sessions());
      generator.writeNumberField("users", point.users());
      generator.writeEndObject();
    }

    private static void writeNullableNumber(JsonGenerator generator, String name, Double value)
        throws IOException {
      if (value == null) {
        generator.writeNullField(name);
      } else {
        generator.writeNumberField(name, value.doubleValue());
      }
    }
  }
}
