package dev.adlake.server;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.core.table.ServingTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.datasketches.hll.Union;

/**
 * Every SQL query the API runs against the serving store, as prepared statements. The SQL texts are
 * constants so that a test can EXPLAIN exactly what the API issues.
 */
final class ServingQueries {
  static final String SERIES_DAILY =
      "SELECT day, impressions, clicks, conversions, sessions_sketch, users_sketch"
          + " FROM "
          + ServingTables.METRICS_DAILY
          + " WHERE level = ? AND id = ? AND day >= ? AND day < ? ORDER BY day";

  static final String SERIES_HOURLY =
      "SELECT hour, impressions, clicks, conversions, sessions, users, sessions_sketch,"
          + " users_sketch FROM "
          + ServingTables.METRICS_HOURLY
          + " WHERE level = ? AND id = ? AND hour >= ? AND hour < ? ORDER BY hour";

  /** Whole days from the daily rows, the hours before and after them from the hourly rows. */
  static final String RANGE_ROWS =
      "SELECT impressions, clicks, conversions, sessions_sketch, users_sketch"
          + " FROM "
          + ServingTables.METRICS_DAILY
          + " WHERE level = ? AND id = ? AND day >= ? AND day < ?"
          + " UNION ALL"
          + " SELECT impressions, clicks, conversions, sessions_sketch, users_sketch"
          + " FROM "
          + ServingTables.METRICS_HOURLY
          + " WHERE level = ? AND id = ? AND hour >= ? AND hour < ?"
          + " UNION ALL"
          + " SELECT impressions, clicks, conversions, sessions_sketch, users_sketch"
          + " FROM "
          + ServingTables.METRICS_HOURLY
          + " WHERE level = ? AND id = ? AND hour >= ? AND hour < ?";

  static final String LATEST_REFRESH =
      "SELECT refreshed_at, first_hour, last_hour FROM "
          + ServingTables.REFRESHES
          + " ORDER BY refresh_id DESC LIMIT 1";
  static final String NEWEST_HOUR =
      "SELECT max(hour) FROM " + ServingTables.METRICS_HOURLY + " WHERE level = 'advertiser'";
  static final String ADVERTISERS =
      "SELECT DISTINCT id FROM "
          + ServingTables.METRICS_DAILY
          + " WHERE level = 'advertiser' AND day >= ? ORDER BY id";
  static final String CAMPAIGNS =
      "SELECT DISTINCT id, advertiser_id FROM "
          + ServingTables.METRICS_DAILY
          + " WHERE level = 'campaign' AND day >= ? ORDER BY id";
  static final String CAMPAIGNS_OF_ADVERTISER =
      "SELECT DISTINCT id, advertiser_id FROM "
          + ServingTables.METRICS_DAILY
          + " WHERE level = 'campaign' AND day >= ? AND advertiser_id = ? ORDER BY id";
  static final String BREAKDOWN_OF_CAMPAIGN = breakdownSql("campaign_id");
  static final String BREAKDOWN_OF_ADVERTISER = breakdownSql("advertiser_id");

  /** How many days back from the newest day the filter lists look for active entities. */
  static final int ACTIVE_DAYS = 7;

  /** Where top ads are looked for. */
  enum Scope {
    ALL("TRUE"),
    CAMPAIGN("campaign_id = ?"),
    ADVERTISER("advertiser_id = ?");

    private final String condition;

    Scope(String condition) {
      this.condition = condition;
    }
  }

  /** What top ads are ranked by. */
  enum RankMetric {
    IMPRESSIONS("sum(impressions) DESC"),
    CLICKS("sum(clicks) DESC"),
    CONVERSIONS("sum(conversions) DESC"),
    CTR("sum(clicks)::float8 / nullif(sum(impressions), 0) DESC NULLS LAST");

    private final String order;

    RankMetric(String order) {
      this.order = order;
    }
  }

  /** One row of a series or of a range: figures and stored sketches; sessions/users may be null. */
  record MetricsRow(
      Instant time,
      long impressions,
      long clicks,
      long conversions,
      Long sessions,
      Long users,
      byte[] sessionsSketch,
      byte[] usersSketch) {}

  record Refresh(Instant refreshedAt, Instant firstHour, Instant lastHour) {}

  record Campaign(int id, int advertiserId) {}

  record AdFigures(
      int id, int campaignId, int advertiserId, long impressions, long clicks, long conversions) {}

  record DimensionFigures(String value, long impressions, long clicks) {}

  /** Figures summed over rows, and the unions of their sketches. */
  record RangeTotals(
      long impressions, long clicks, long conversions, long sessions, long users, int rows) {}

  private final DataSource dataSource;

  ServingQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  static String topAdsSql(Scope scope, RankMetric metric) {
    String columns = "id, campaign_id, advertiser_id, impressions, clicks, conversions";
    String where = " WHERE level = 'ad' AND " + scope.condition;
    return "SELECT id, campaign_id, advertiser_id, sum(impressions), sum(clicks),"
        + " sum(conversions) FROM ("
        + " SELECT "
        + columns
        + " FROM "
        + ServingTables.METRICS_DAILY
        + where
        + " AND day >= ? AND day < ?"
        + " UNION ALL SELECT "
        + columns
        + " FROM "
        + ServingTables.METRICS_HOURLY
        + where
        + " AND hour >= ? AND hour < ?"
        + " UNION ALL SELECT "
        + columns
        + " FROM "
        + ServingTables.METRICS_HOURLY
        + where
        + " AND hour >= ? AND hour < ?"
        + ") AS ad_rows GROUP BY id, campaign_id, advertiser_id"
        + " ORDER BY "
        + metric.order
        + ", id LIMIT ? OFFSET ?";
  }

  private static String breakdownSql(String column) {
    return "SELECT value, sum(impressions), sum(clicks) FROM "
        + ServingTables.DIMENSION_DAILY
        + " WHERE dimension = ? AND "
        + column
        + " = ? AND day >= ? AND day < ?"
        + " GROUP BY value ORDER BY sum(impressions) DESC, value LIMIT ? OFFSET ?";
  }

  List<MetricsRow> dailySeries(EntityLevel level, int id, LocalDate from, LocalDate to) {
    return query(
        SERIES_DAILY,
        statement -> {
          statement.setString(1, level.sqlName());
          statement.setInt(2, id);
          statement.setObject(3, from);
          statement.setObject(4, to);
        },
        result -> {
          List<MetricsRow> rows = new ArrayList<>();
          while (result.next()) {
            rows.add(
                new MetricsRow(
                    result
                        .getObject(1, LocalDate.class)
                        .atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant(),
                    result.getLong(2),
                    result.getLong(3),
                    result.getLong(4),
                    null,
                    null,
                    result.getBytes(5),
                    result.getBytes(6)));
          }
          return rows;
        });
  }

  List<MetricsRow> hourlySeries(EntityLevel level, int id, Instant from, Instant to) {
    return query(
        SERIES_HOURLY,
        statement -> {
          statement.setString(1, level.sqlName());
          statement.setInt(2, id);
          statement.setTimestamp(3, Timestamp.from(from));
          statement.setTimestamp(4, Timestamp.from(to));
        },
        result -> {
          List<MetricsRow> rows = new ArrayList<>();
          while (result.next()) {
            long sessions = result.getLong(5);
            Long exactSessions = result.wasNull() ? null : sessions;
            long users = result.getLong(6);
            Long exactUsers = result.wasNull() ? null : users;
            rows.add(
                new MetricsRow(
                    result.getTimestamp(1).toInstant(),
                    result.getLong(2),
                    result.getLong(3),
                    result.getLong(4),
                    exactSessions,
                    exactUsers,
                    result.getBytes(7),
                    result.getBytes(8)));
          }
          return rows;
        });
  }

  /** Totals over a range split into whole days and edge hours, sketches merged. */
  RangeTotals rangeTotals(EntityLevel level, int id, TimeRange range) {
    return query(
        RANGE_ROWS,
        statement -> {
          statement.setString(1, level.sqlName());
          statement.setInt(2, id);
          statement.setObject(3, range.firstWholeDay());
          statement.setObject(4, range.endWholeDay());
          statement.setString(5, level.sqlName());
          statement.setInt(6, id);
          statement.setTimestamp(7, Timestamp.from(range.leadingHoursFrom()));
          statement.setTimestamp(8, Timestamp.from(range.leadingHoursTo()));
          statement.setString(9, level.sqlName());
          statement.setInt(10, id);
          statement.setTimestamp(11, Timestamp.from(range.trailingHoursFrom()));
          statement.setTimestamp(12, Timestamp.from(range.trailingHoursTo()));
        },
        result -> {
          List<MetricsRow> rows = new ArrayList<>();
          while (result.next()) {
            rows.add(
                new MetricsRow(
                    null,
                    result.getLong(1),
                    result.getLong(2),
                    result.getLong(3),
                    null,
                    null,
                    result.getBytes(4),
                    result.getBytes(5)));
          }
          return totals(rows);
        });
  }

  /** Sums the figures of rows and merges their sketches. */
  static RangeTotals totals(List<MetricsRow> rows) {
    long impressions = 0;
    long clicks = 0;
    long conversions = 0;
    Union sessions = HllSketches.newUnion();
    Union users = HllSketches.newUnion();
    for (MetricsRow row : rows) {
      impressions += row.impressions();
      clicks += row.clicks();
      conversions += row.conversions();
      sessions.update(HllSketches.wrap(row.sessionsSketch()));
      users.update(HllSketches.wrap(row.usersSketch()));
    }
    return new RangeTotals(
        impressions,
        clicks,
        conversions,
        HllSketches.estimate(sessions),
        HllSketches.estimate(users),
        rows.size());
  }

  List<AdFigures> topAds(
      Scope scope, RankMetric metric, Integer scopeId, TimeRange range, int limit, int offset) {
    return query(
        topAdsSql(scope, metric),
        statement -> {
          int index = 1;
          for (int part = 0; part < 3; part++) {
            if (scope != Scope.ALL) {
              statement.setInt(index++, scopeId);
            }
            switch (part) {
              case 0 -> {
                statement.setObject(index++, range.firstWholeDay());
                statement.setObject(index++, range.endWholeDay());
              }
              case 1 -> {
                statement.setTimestamp(index++, Timestamp.from(range.leadingHoursFrom()));
                statement.setTimestamp(index++, Timestamp.from(range.leadingHoursTo()));
              }
              default -> {
                statement.setTimestamp(index++, Timestamp.from(range.trailingHoursFrom()));
                statement.setTimestamp(index++, Timestamp.from(range.trailingHoursTo()));
              }
            }
          }
          statement.setInt(index++, limit);
          statement.setInt(index, offset);
        },
        result -> {
          List<AdFigures> ads = new ArrayList<>();
          while (result.next()) {
            ads.add(
                new AdFigures(
                    result.getInt(1),
                    result.getInt(2),
                    result.getInt(3),
                    result.getLong(4),
                    result.getLong(5),
                    result.getLong(6)));
          }
          return ads;
        });
  }

  List<DimensionFigures> breakdown(
      String dimension,
      EntityLevel level,
      int id,
      LocalDate from,
      LocalDate to,
      int limit,
      int offset) {
    String sql = level == EntityLevel.CAMPAIGN ? BREAKDOWN_OF_CAMPAIGN : BREAKDOWN_OF_ADVERTISER;
    return query(
        sql,
        statement -> {
          statement.setString(1, dimension);
          statement.setInt(2, id);
          statement.setObject(3, from);
          statement.setObject(4, to);
          statement.setInt(5, limit);
          statement.setInt(6, offset);
        },
        result -> {
          List<DimensionFigures> values = new ArrayList<>();
          while (result.next()) {
            values.add(
                new DimensionFigures(result.getString(1), result.getLong(2), result.getLong(3)));
          }
          return values;
        });
  }

  Optional<Refresh> latestRefresh() {
    return query(
        LATEST_REFRESH,
        statement -> {},
        result -> {
          if (!result.next()) {
            return Optional.empty();
          }
          Timestamp first = result.getTimestamp(2);
          Timestamp last = result.getTimestamp(3);
          return Optional.of(
              new Refresh(
                  result.getTimestamp(1).toInstant(),
                  first == null ? null : first.toInstant(),
                  last == null ? null : last.toInstant()));
        });
  }

  Optional<Instant> newestHour() {
    return query(
        NEWEST_HOUR,
        statement -> {},
        result -> {
          result.next();
          Timestamp newest = result.getTimestamp(1);
          return Optional.ofNullable(newest).map(Timestamp::toInstant);
        });
  }

  List<Integer> advertisers(LocalDate since) {
    return query(
        ADVERTISERS,
        statement -> statement.setObject(1, since),
        result -> {
          List<Integer> ids = new ArrayList<>();
          while (result.next()) {
            ids.add(result.getInt(1));
          }
          return ids;
        });
  }

  List<Campaign> campaigns(LocalDate since, Integer advertiserId) {
    return query(
        advertiserId == null ? CAMPAIGNS : CAMPAIGNS_OF_ADVERTISER,
        statement -> {
          statement.setObject(1, since);
          if (advertiserId != null) {
            statement.setInt(2, advertiserId);
          }
        },
        result -> {
          List<Campaign> campaigns = new ArrayList<>();
          while (result.next()) {
            campaigns.add(new Campaign(result.getInt(1), result.getInt(2)));
          }
          return campaigns;
        });
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private interface Reader<T> {
    T read(ResultSet result) throws SQLException;
  }

  private <T> T query(String sql, Binder binder, Reader<T> reader) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      try (ResultSet result = statement.executeQuery()) {
        return reader.read(result);
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot query the serving store: %s (SQL: %s)".formatted(e.getMessage(), sql), e);
    }
  }
}
