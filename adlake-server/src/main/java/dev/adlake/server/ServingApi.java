package dev.adlake.server;

import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.sketch.HllSketches;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON endpoints under /api: reads and checks the parameters, asks {@link ServingQueries},
 * derives rates and estimates, and says which figures are exact and which are estimates.
 */
final class ServingApi {
  /** The most points an hour-granularity series may have: 31 days. */
  static final int MAX_HOUR_POINTS = 744;

  static final int DEFAULT_TOP_ADS = 20;
  static final int DEFAULT_BREAKDOWN_ROWS = 100;
  private static final List<String> EXACT_FIGURES =
      List.of("impressions", "clicks", "conversions", "ctr", "conversionRate");

  private final ServerConfig config;
  private final ServingQueries queries;
  private final java.util.function.Supplier<DailyUniquesIndex> uniquesIndex;

  ServingApi(
      ServerConfig config,
      ServingQueries queries,
      java.util.function.Supplier<DailyUniquesIndex> uniquesIndex) {
    this.config = config;
    this.queries = queries;
    this.uniquesIndex = uniquesIndex;
  }

  /** A figure that is an estimate, and its 95% relative error bound. */
  record Estimate(String field, double relativeError95) {}

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

  record UniquesAnswer(
      String level,
      int id,
      String from,
      String to,
      long users,
      long sessions,
      List<String> exact,
      List<Estimate> estimates) {}

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

  record StatusAnswer(
      String lastRefreshAt, String firstHour, String lastHour, String newestHour, String now) {}

  record Campaign(int id, int advertiserId) {}

  Object metrics(Context context) {
    EntityLevel level = level(context, false);
    int id = positiveInteger(context, "id", null);
    TimeRange range = range(context);
    String granularity = Optional.ofNullable(context.queryParam("granularity")).orElse("day");
    List<ServingQueries.MetricsRow> rows;
    ServingQueries.RangeTotals totals;
    List<Point> points = new ArrayList<>();
    switch (granularity) {
      case "day" -> {
        requireDayAligned(range);
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
    for (String figure : EXACT_FIGURES) {
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

  Object uniques(Context context) {
    EntityLevel level = level(context, false);
    int id = positiveInteger(context, "id", null);
    TimeRange range = range(context);
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
    TimeRange range = range(context);
    Integer campaign = optionalPositiveInteger(context, "campaign");
    Integer advertiser = optionalPositiveInteger(context, "advertiser");
    if (campaign != null && advertiser != null) {
      throw new BadParameterException(
          "advertiser",
          "Give campaign or advertiser, not both (campaign %d, advertiser %d)"
              .formatted(campaign, advertiser));
    }
    int limit = limit(context, DEFAULT_TOP_ADS);
    int offset = offset(context);
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
        EXACT_FIGURES.stream().map(figure -> "ads." + figure).toList(),
        List.of());
  }

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
    EntityLevel level = level(context, true);
    int id = positiveInteger(context, "id", null);
    TimeRange range = range(context);
    requireDayAligned(range);
    int limit = limit(context, DEFAULT_BREAKDOWN_ROWS);
    int offset = offset(context);
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
    Integer advertiser = optionalPositiveInteger(context, "advertiser");
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

  private static Double rate(long numerator, long denominator) {
    return denominator == 0 ? null : (double) numerator / denominator;
  }

  private static EntityLevel level(Context context, boolean groupsOnly) {
    String value = context.queryParam("level");
    String expected = groupsOnly ? "campaign or advertiser" : "ad, campaign or advertiser";
    if (value == null || value.isBlank()) {
      throw new BadParameterException("level", "level is required: " + expected);
    }
    for (EntityLevel level : EntityLevel.values()) {
      if (level.sqlName().equals(value) && !(groupsOnly && level == EntityLevel.AD)) {
        return level;
      }
    }
    throw new BadParameterException(
        "level", "Unknown level '%s': expected %s".formatted(value, expected));
  }

  private static int positiveInteger(Context context, String name, Integer fallback) {
    String value = context.queryParam(name);
    if (value == null || value.isBlank()) {
      if (fallback != null) {
        return fallback;
      }
      throw new BadParameterException(name, "%s is required".formatted(name));
    }
    return parsePositive(name, value);
  }

  private static Integer optionalPositiveInteger(Context context, String name) {
    String value = context.queryParam(name);
    return value == null || value.isBlank() ? null : parsePositive(name, value);
  }

  private static int parsePositive(String name, String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 1) {
        throw new BadParameterException(
            name, "%s is %d, must be a positive integer".formatted(name, parsed));
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new BadParameterException(
          name, "%s is '%s', must be a positive integer".formatted(name, value));
    }
  }

  private int limit(Context context, int fallback) {
    int limit = positiveInteger(context, "limit", Math.min(fallback, config.maxPageSize()));
    if (limit > config.maxPageSize()) {
      throw new BadParameterException(
          "limit",
          "limit is %d, more than server.max-page-size (%d)"
              .formatted(limit, config.maxPageSize()));
    }
    return limit;
  }

  private static int offset(Context context) {
    String value = context.queryParam("offset");
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(value.trim());
      if (offset < 0) {
        throw new BadParameterException(
            "offset", "offset is %d, must be 0 or more".formatted(offset));
      }
      return offset;
    } catch (NumberFormatException e) {
      throw new BadParameterException(
          "offset", "offset is '%s', must be an integer of 0 or more".formatted(value));
    }
  }

  private TimeRange range(Context context) {
    Instant from = instant(context, "from");
    Instant to = instant(context, "to");
    if (!to.isAfter(from)) {
      throw new BadParameterException(
          "to", "to (%s) must be after from (%s); to is exclusive".formatted(to, from));
    }
    TimeRange range = new TimeRange(from, to);
    if (range.length().compareTo(Duration.ofDays(config.maxRangeDays())) > 0) {
      throw new BadParameterException(
          "to",
          "The range from %s to %s covers %.1f days, more than server.max-range-days (%d)"
              .formatted(from, to, range.hours() / 24.0, config.maxRangeDays()));
    }
    return range;
  }

  /** A date (its UTC midnight) or an ISO instant on a whole hour. */
  private static Instant instant(Context context, String name) {
    String value = context.queryParam(name);
    if (value == null || value.isBlank()) {
      throw new BadParameterException(
          name,
          "%s is required: a UTC date (2026-01-31) or hour (2026-01-31T05:00:00Z)".formatted(name));
    }
    Instant instant;
    try {
      instant =
          value.length() == 10
              ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
              : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadParameterException(
          name,
          "%s is '%s', not a UTC date (2026-01-31) or hour (2026-01-31T05:00:00Z)"
              .formatted(name, value));
    }
    if (!instant.truncatedTo(ChronoUnit.HOURS).equals(instant)) {
      throw new BadParameterException(
          name, "%s is '%s', must be on a whole hour".formatted(name, value));
    }
    return instant;
  }

  private static void requireDayAligned(TimeRange range) {
    if (!TimeRange.isMidnight(range.from())) {
      throw new BadParameterException(
          "from",
          "from is %s; daily figures need a whole UTC day (a date, or midnight)"
              .formatted(range.from()));
    }
    if (!TimeRange.isMidnight(range.to())) {
      throw new BadParameterException(
          "to",
          "to is %s; daily figures need a whole UTC day (a date, or midnight)"
              .formatted(range.to()));
    }
  }
}
