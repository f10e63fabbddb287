package dev.adlake.server;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.core.table.ServingTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * A pre-aggregation of the daily rows of every campaign and advertiser, built in memory from one
 * refresh of the serving store: each day's figures and estimates, and the unions of aligned blocks
 * of 4, 8, 16, 32, 64... days of sketches. Unique users over any range of whole days then merge a
 * handful of blocks plus at most three single days at each end (read from PostgreSQL), instead of a
 * sketch per day.
 *
 * <p>Built from one refresh of the serving store; {@link #refreshId()} tells which. The server
 * rebuilds it when a newer refresh appears, so answers follow a refresh within seconds.
 */
final class DailyUniquesIndex {
  static final String LATEST_REFRESH_ID = "SELECT max(refresh_id) FROM " + ServingTables.REFRESHES;
  static final String DAILY_GROUP_SKETCHES =
      "SELECT level, id, day, sessions_sketch, users_sketch, impressions, clicks, conversions"
          + " FROM "
          + ServingTables.METRICS_DAILY
          + " WHERE level IN ('campaign', 'advertiser')";

  /** Blocks of 2^k days for k from this up; shorter spans are merged day by day. */
  static final int SMALLEST_BLOCK_POWER = 2;

  record Key(EntityLevel level, int id) {}

  /** One entity's per-day estimates and block unions, all relative to the index's first day. */
  static final class Entity {
    /** [impressions, clicks, conversions] of each day, null for a day without a row. */
    final long[][] dayFigures;

    final long[] dayUsers;
    final long[] daySessions;

    /** blocks[k][j]: union of days [j * 2^k, (j + 1) * 2^k); null below the smallest power. */
    final HllSketch[][] userBlocks;

    final HllSketch[][] sessionBlocks;

    /** Each day's own sketches (HLL_4, half the memory of a block), for the days around blocks. */
    final HllSketch[] userDays;

    final HllSketch[] sessionDays;

    Entity(
        long[][] dayFigures,
        long[] dayUsers,
        long[] daySessions,
        HllSketch[][] userBlocks,
        HllSketch[][] sessionBlocks,
        HllSketch[] userDays,
        HllSketch[] sessionDays) {
      this.dayFigures = dayFigures;
      this.dayUsers = dayUsers;
      this.daySessions = daySessions;
      this.userBlocks = userBlocks;
      this.sessionBlocks = sessionBlocks;
      this.userDays = userDays;
      this.sessionDays = sessionDays;
    }
  }

  /** The pieces a day range splits into: whole blocks, and the single days around them. */
  record Plan(List<int[]> blocks, List<int[]> singleDayRanges) {}

  private final long refreshId;
  private final LocalDate firstDay;
  private final int days;
  private final Map<Key, Entity> entities;

  private DailyUniquesIndex(
      long refreshId, LocalDate firstDay, int days, Map<Key, Entity> entities) {
    this.refreshId = refreshId;
    this.firstDay = firstDay;
    this.days = days;
    this.entities = entities;
  }

  long refreshId() {
    return refreshId;
  }

  LocalDate firstDay() {
    return firstDay;
  }

  int entityCount() {
    return entities.size();
  }

  /** True when the index holds this entity and covers every day of [from, to). */
  boolean covers(EntityLevel level, int id, LocalDate from, LocalDate to) {
    return entities.containsKey(new Key(level, id))
        && !from.isBefore(firstDay)
        && !to.isAfter(firstDay.plusDays(days));
  }

  Entity entity(EntityLevel level, int id) {
    return entities.get(new Key(level, id));
  }

  int dayIndex(LocalDate day) {
    return (int) ChronoUnit.DAYS.between(firstDay, day);
  }

  /** Splits days [from, to) (indexes) into aligned blocks of 2^k days and single days. */
  static Plan plan(int from, int to) {
    List<int[]> blocks = new ArrayList<>();
    List<int[]> singles = new ArrayList<>();
    int day = from;
    int singleStart = -1;
    while (day < to) {
      int power = 0;
      while (day % (1 << (power + 1)) == 0 && day + (1 << (power + 1)) <= to) {
        power++;
      }
      if (power >= SMALLEST_BLOCK_POWER) {
        if (singleStart >= 0) {
          singles.add(new int[] {singleStart, day});
          singleStart = -1;
        }
        blocks.add(new int[] {power, day >> power});
        day += 1 << power;
      } else {
        if (singleStart < 0) {
          singleStart = day;
        }
        day++;
      }
    }
    if (singleStart >= 0) {
      singles.add(new int[] {singleStart, to});
    }
    return new Plan(blocks, singles);
  }

  static long latestRefreshId(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(LATEST_REFRESH_ID)) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot read the latest refresh of the serving store: " + e.getMessage(), e);
    }
  }

  /** Reads every campaign and advertiser daily sketch and builds the index. */
  static DailyUniquesIndex build(DataSource dataSource) {
    long refreshId = latestRefreshId(dataSource);
    Map<Key, Map<Integer, byte[][]>> sketches = new HashMap<>();
    Map<Key, Map<Integer, long[]>> figures = new HashMap<>();
    LocalDate firstDay = null;
    LocalDate lastDay = null;
    List<Object[]> rows = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement statement = connection.prepareStatement(DAILY_GROUP_SKETCHES)) {
        statement.setFetchSize(1000);
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            LocalDate day = result.getObject(3, LocalDate.class);
            rows.add(
                new Object[] {
                  new Key(EntityLevel.of(result.getString(1)), result.getInt(2)),
                  day,
                  new byte[][] {result.getBytes(4), result.getBytes(5)},
                  new long[] {result.getLong(6), result.getLong(7), result.getLong(8)}
                });
            firstDay = firstDay == null || day.isBefore(firstDay) ? day : firstDay;
            lastDay = lastDay == null || day.isAfter(lastDay) ? day : lastDay;
          }
        }
      } finally {
        connection.commit();
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot read the daily sketches of the serving store: " + e.getMessage(), e);
    }
    if (firstDay == null) {
      return new DailyUniquesIndex(refreshId, LocalDate.EPOCH, 0, Map.of());
    }
    int days = (int) ChronoUnit.DAYS.between(firstDay, lastDay) + 1;
    for (Object[] row : rows) {
      sketches
          .computeIfAbsent((Key) row[0], key -> new HashMap<>())
          .put((int) ChronoUnit.DAYS.between(firstDay, (LocalDate) row[1]), (byte[][]) row[2]);
      figures
          .computeIfAbsent((Key) row[0], key -> new HashMap<>())
          .put((int) ChronoUnit.DAYS.between(firstDay, (LocalDate) row[1]), (long[]) row[3]);
    }
    rows.clear();
    Map<Key, Entity> entities = new HashMap<>();
    for (Map.Entry<Key, Map<Integer, byte[][]>> entry : sketches.entrySet()) {
      entities.put(entry.getKey(), entity(entry.getValue(), figures.get(entry.getKey()), days));
    }
    return new DailyUniquesIndex(refreshId, firstDay, days, entities);
  }

  private static Entity entity(
      Map<Integer, byte[][]> byDay, Map<Integer, long[]> figuresByDay, int days) {
    long[][] dayFigures = new long[days][];
    for (Map.Entry<Integer, long[]> day : figuresByDay.entrySet()) {
      dayFigures[day.getKey()] = day.getValue();
    }
    long[] dayUsers = new long[days];
    long[] daySessions = new long[days];
    HllSketch[] sessionDays = new HllSketch[days];
    HllSketch[] userDays = new HllSketch[days];
    for (Map.Entry<Integer, byte[][]> day : byDay.entrySet()) {
      sessionDays[day.getKey()] = HllSketch.heapify(day.getValue()[0]);
      userDays[day.getKey()] = HllSketch.heapify(day.getValue()[1]);
      daySessions[day.getKey()] = Math.round(sessionDays[day.getKey()].getEstimate());
      dayUsers[day.getKey()] = Math.round(userDays[day.getKey()].getEstimate());
    }
    return new Entity(
        dayFigures,
        dayUsers,
        daySessions,
        blocks(userDays),
        blocks(sessionDays),
        userDays,
        sessionDays);
  }

  /** Unions of aligned blocks of 2^k days, each built from the two blocks of 2^(k-1) in it. */
  private static HllSketch[][] blocks(HllSketch[] days) {
    List<HllSketch[]> levels = new ArrayList<>();
    HllSketch[] previous = days;
    levels.add(null);
    for (int power = 1; (1 << power) <= days.length; power++) {
      HllSketch[] level = new HllSketch[days.length >> power];
      for (int j = 0; j < level.length; j++) {
        Union union = HllSketches.newUnion();
        HllSketch left = previous[2 * j];
        HllSketch right = previous[2 * j + 1];
        if (left != null) {
          union.update(left);
        }
        if (right != null) {
          union.update(right);
        }
        // HLL_8: twice the memory of HLL_4, but a union merges it register by register without
        // first converting it, which is most of the cost of an answer.
        level[j] = union.getResult(TgtHllType.HLL_8);
      }
      levels.add(power >= SMALLEST_BLOCK_POWER ? level : null);
      previous = level;
    }
    return levels.toArray(new HllSketch[0][]);
  }
}
