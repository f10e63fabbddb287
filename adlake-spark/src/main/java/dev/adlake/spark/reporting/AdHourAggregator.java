package dev.adlake.spark.reporting;

import dev.adlake.core.sketch.HllSketches;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Rolls up the events of one shuffle partition, where every event of an (hour, ad) pair lands in
 * the same partition: exact distinct impressions, clicks, sessions (IPs) and users in
 * open-addressing sets of 64-bit hashes, and the HLL sketches of IPs and users beside them.
 *
 * <p>One pass, one shuffle of narrow rows, no sort: the exact distinct counts are what costs in a
 * SQL plan, which expands each row once per distinct column and shuffles them all.
 *
 * <p>Input columns, by position: {@code hour} (long, hours since the epoch), {@code ad_id}, {@code
 * campaign_id}, {@code advertiser_id} (ints), {@code click} (boolean: a click, else an impression),
 * and the 64-bit hashes {@code impression}, {@code ip}, {@code user} (longs; ip and user may be
 * null). Output: see {@link HourlyRollup#AGGREGATED}.
 */
final class AdHourAggregator implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** The figures of one ad in one hour, while its events are read. */
  private static final class AdHour {
    final long hour;
    final int adId;
    final int campaignId;
    final int advertiserId;
    final DistinctLongs impressions = new DistinctLongs();
    final DistinctLongs clicks = new DistinctLongs();
    final DistinctLongs sessions = new DistinctLongs();
    final DistinctLongs users = new DistinctLongs();
    final HllSketch sessionsSketch = HllSketches.newSketch();
    final HllSketch usersSketch = HllSketches.newSketch();

    AdHour(long hour, int adId, int campaignId, int advertiserId) {
      this.hour = hour;
      this.adId = adId;
      this.campaignId = campaignId;
      this.advertiserId = advertiserId;
    }

    Row toRow() {
      return RowFactory.create(
          hour,
          adId,
          campaignId,
          advertiserId,
          impressions.count(),
          clicks.count(),
          sessions.count(),
          users.count(),
          sessionsSketch.toCompactByteArray(),
          usersSketch.toCompactByteArray());
    }
  }

  @Override
  public Iterator<Row> call(Iterator<Row> events) {
    Map<Long, AdHour> groups = new HashMap<>();
    while (events.hasNext()) {
      Row event = events.next();
      long hour = event.getLong(0);
      int adId = event.getInt(1);
      long key = hour << 32 | (adId & 0xFFFF_FFFFL);
      AdHour group = groups.get(key);
      if (group == null) {
        group = new AdHour(hour, adId, event.getInt(2), event.getInt(3));
        groups.put(key, group);
      }
      long impression = event.getLong(5);
      if (event.getBoolean(4)) {
        group.clicks.add(impression);
      } else {
        group.impressions.add(impression);
      }
      if (!event.isNullAt(6)) {
        long ip = event.getLong(6);
        if (group.sessions.add(ip)) {
          group.sessionsSketch.update(ip);
        }
      }
      if (!event.isNullAt(7)) {
        long user = event.getLong(7);
        if (group.users.add(user)) {
          group.usersSketch.update(user);
        }
      }
    }
    List<Row> rows = new ArrayList<>(groups.size());
    for (AdHour group : groups.values()) {
      rows.add(group.toRow());
    }
    return rows.iterator();
  }
}
