package dev.adlake.kafka.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.stream.StreamTopics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Watches each source's records minute by minute and judges every closed minute against the
 * source's recent minutes: a sudden drop (or silence), a jump in records that are not JSON objects,
 * schema drift (a field never seen before on a good share of records, or a field nearly every
 * record had going missing), and a jump in a field's nulls. A minute closes when the records' time
 * (less {@link #LATENESS_MILLIS}) has passed its end, or when the caller says the time has come (a
 * live watch that has read everything closes minutes by the clock, so a silent source is seen).
 *
 * <p>Each finding keeps the minute its episode began: while a check keeps failing minute after
 * minute it is the same episode, raised once.
 */
public final class StreamChecker {
  /** How late a record may come and still count in its minute. */
  static final long LATENESS_MILLIS = 10_000;

  static final long MINUTE_MILLIS = 60_000;

  /** Closed minutes a source's baseline keeps. */
  static final int BASELINE_MINUTES = 10;

  /** Closed minutes needed before a source is judged. */
  static final int MIN_BASELINE_MINUTES = 3;

  /** A source quieter than this per minute is not judged for drops. */
  static final long MIN_RECORDS_FOR_DROP = 30;

  /** A minute under this share of the usual count is a drop. */
  static final double DROP_SHARE = 0.2;

  /** Records a minute needs before its shares (fields, nulls) are judged. */
  static final long MIN_RECORDS_FOR_SHARES = 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The first bytes of an Avro single-object encoded record. */
  private static final byte[] AVRO_MARKER = {(byte) 0xC3, 0x01};

  private static final long BIDS_FINGERPRINT =
      SchemaNormalization.parsingFingerprint64(StreamTopics.bidRequestSchema());

  private final BinaryMessageDecoder<GenericRecord> bids =
      new BinaryMessageDecoder<>(GenericData.get(), StreamTopics.bidRequestSchema());

  /** One thing found wrong with a source's minute. */
  public record Finding(
      String source, String check, String field, Instant minute, Instant episode, String message) {
    /** The alert's subject: source, check and field, the same for a whole episode. */
    public String subject() {
      return field.isEmpty() ? source + " " + check : source + " " + check + " " + field;
    }
  }

  private final Map<String, TreeMap<Long, MinuteProfile>> open = new HashMap<>();
  private final Map<String, Deque<MinuteProfile>> history = new HashMap<>();
  private final Map<String, Long> nextMinute = new HashMap<>();

  /** Each failing check's episode: the minute it began and the last minute it failed. */
  private final Map<String, long[]> episodes = new HashMap<>();

  private final Map<String, Long> partitionTimes = new HashMap<>();
  private long maxTimestamp = Long.MIN_VALUE;
  private long judgedMinutes;

  /**
   * Counts one record of the source at its time; the value is its bytes: JSON, or Avro
   * single-object encoding of the bid stream's declared schema.
   *
   * @param partition the record's partition: the records' time is followed per partition, so a
   *     partition read ahead of another does not close minutes the other still has records of
   */
  public void observe(String source, int partition, long timestampMillis, byte[] value) {
    partitionTimes.merge(source + "/" + partition, timestampMillis, Math::max);
    long minute = Math.floorDiv(timestampMillis, MINUTE_MILLIS) * MINUTE_MILLIS;
    Long next = nextMinute.get(source);
    if (next != null && minute < next) {
      return; // Its minute was judged already: too late to count.
    }
    nextMinute.putIfAbsent(source, minute);
    MinuteProfile profile =
        open.computeIfAbsent(source, s -> new TreeMap<>())
            .computeIfAbsent(minute, m -> new MinuteProfile());
    profile.records++;
    maxTimestamp = Math.max(maxTimestamp, timestampMillis);
    if (value != null
        && value.length >= 2
        && value[0] == AVRO_MARKER[0]
        && value[1] == AVRO_MARKER[1]) {
      observeAvro(profile, value);
      return;
    }
    JsonNode record;
    try {
      record = value == null ? null : JSON.readTree(value);
    } catch (IOException notJson) {
      record = null;
    }
    if (record == null || !record.isObject()) {
      profile.malformed++;
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = record.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      profile.present.merge(field.getKey(), 1L, Long::sum);
      JsonNode v = field.getValue();
      if (v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
        profile.nulls.merge(field.getKey(), 1L, Long::sum);
      }
    }
  }

  /**
   * An Avro single-object record (the bid stream): decoded with the declared schema, its fields and
   * nulls counted as a JSON record's are. One written with another schema (another fingerprint)
   * counts a pseudo-field {@code @schema <fingerprint>} instead, so a new writer schema on a good
   * share of the records is schema drift; one that cannot be decoded is malformed.
   */
  private void observeAvro(MinuteProfile profile, byte[] value) {
    if (value.length < 10) {
      profile.malformed++;
      return;
    }
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (fingerprint != BIDS_FINGERPRINT) {
      profile.present.merge("@schema " + Long.toHexString(fingerprint), 1L, Long::sum);
      return;
    }
    GenericRecord record;
    try {
      record = bids.decode(value);
    } catch (IOException | RuntimeException notDecodable) {
      profile.malformed++;
      return;
    }
    for (Schema.Field field : record.getSchema().getFields()) {
      profile.present.merge(field.name(), 1L, Long::sum);
      Object v = record.get(field.pos());
      if (v == null || (v instanceof CharSequence text && text.length() == 0)) {
        profile.nulls.merge(field.name(), 1L, Long::sum);
      }
    }
  }

  /**
   * Closes and judges the minutes the records' own time has passed in every partition read so far.
   */
  public List<Finding> advance() {
    if (partitionTimes.isEmpty()) {
      return List.of();
    }
    long slowest = partitionTimes.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    return closeBefore(slowest - LATENESS_MILLIS);
  }

  /** Closes and judges the minutes the latest record read has passed: everything was read. */
  public List<Finding> finish() {
    return maxTimestamp == Long.MIN_VALUE ? List.of() : closeBefore(maxTimestamp - LATENESS_MILLIS);
  }

  /**
   * Closes and judges every minute that ended before this time (a live watch that is caught up).
   */
  public List<Finding> advanceTo(Instant now) {
    return closeBefore(now.toEpochMilli() - LATENESS_MILLIS);
  }

  public long judgedMinutes() {
    return judgedMinutes;
  }

  /** Each source's minutes that ended at or before the time, in order, empty ones included. */
  private List<Finding> closeBefore(long time) {
    List<Finding> findings = new ArrayList<>();
    for (String source : new TreeSet<>(nextMinute.keySet())) {
      long minute = nextMinute.get(source);
      TreeMap<Long, MinuteProfile> minutes = open.computeIfAbsent(source, s -> new TreeMap<>());
      while (minute + MINUTE_MILLIS <= time) {
        MinuteProfile profile = minutes.remove(minute);
        findings.addAll(judge(source, minute, profile == null ? new MinuteProfile() : profile));
        minute += MINUTE_MILLIS;
      }
      nextMinute.put(source, minute);
    }
    // An episode whose check passed in a minute since has ended: forget it, so a watch that runs
    // for months keeps only the episodes going on.
    episodes
        .entrySet()
        .removeIf(
            entry -> {
              String source = entry.getKey().substring(0, entry.getKey().indexOf('\u0000'));
              Long next = nextMinute.get(source);
              return next != null && entry.getValue()[1] < next - MINUTE_MILLIS;
            });
    return findings;
  }

  /** How many episodes are going on: for tests of a long watch. */
  int episodesGoingOn() {
    return episodes.size();
  }

  private List<Finding> judge(String source, long minute, MinuteProfile now) {
    Deque<MinuteProfile> base = history.computeIfAbsent(source, s -> new ArrayDeque<>());
    List<String[]> found = new ArrayList<>();
    if (base.size() >= MIN_BASELINE_MINUTES) {
      judgedMinutes++;
      judgeVolume(base, now, found);
      judgeShares(base, now, found);
    }
    base.addLast(now);
    if (base.size() > BASELINE_MINUTES) {
      base.removeFirst();
    }
    List<Finding> findings = new ArrayList<>();
    for (String[] one : found) {
      String key = source + "\u0000" + one[0] + "\u0000" + one[1];
      long[] episode = episodes.get(key);
      // An episode goes on while the minute before failed the same check.
      if (episode == null || episode[1] != minute - MINUTE_MILLIS) {
        episode = new long[] {minute, minute};
        episodes.put(key, episode);
      }
      episode[1] = minute;
      findings.add(
          new Finding(
              source,
              one[0],
              one[1],
              Instant.ofEpochMilli(minute),
              Instant.ofEpochMilli(episode[0]),
              one[2]));
    }
    return findings;
  }

  private static void judgeVolume(
      Deque<MinuteProfile> base, MinuteProfile now, List<String[]> found) {
    long[] counts = base.stream().mapToLong(m -> m.records).sorted().toArray();
    long median = counts[counts.length / 2];
    if (median >= MIN_RECORDS_FOR_DROP && now.records < DROP_SHARE * median) {
      found.add(
          new String[] {
            now.records == 0 ? "silent" : "drop",
            "",
            "%,d records in the minute, where the last %d minutes had about %,d"
                .formatted(now.records, base.size(), median)
          });
    }
    long baseRecords = base.stream().mapToLong(m -> m.records).sum();
    long baseMalformed = base.stream().mapToLong(m -> m.malformed).sum();
    double usual = baseRecords == 0 ? 0 : (double) baseMalformed / baseRecords;
    double share = now.records == 0 ? 0 : (double) now.malformed / now.records;
    if (now.malformed >= 10 && share > Math.max(0.05, 3 * usual)) {
      found.add(
          new String[] {
            "malformed",
            "",
            "%.1f%% of the minute's records are not JSON objects (%,d of %,d), where %.1f%% is usual"
                .formatted(100 * share, now.malformed, now.records, 100 * usual)
          });
    }
  }

  private static void judgeShares(
      Deque<MinuteProfile> base, MinuteProfile now, List<String[]> found) {
    long valid = now.valid();
    if (valid < MIN_RECORDS_FOR_SHARES) {
      return;
    }
    long baseValid = base.stream().mapToLong(MinuteProfile::valid).sum();
    Set<String> fields = new TreeSet<>(now.present.keySet());
    base.forEach(m -> fields.addAll(m.present.keySet()));
    for (String field : fields) {
      long basePresent = base.stream().mapToLong(m -> m.present(field)).sum();
      double presentNow = (double) now.present(field) / valid;
      double presentBefore = baseValid == 0 ? 0 : (double) basePresent / baseValid;
      if (basePresent == 0 && presentNow >= 0.1) {
        found.add(
            new String[] {
              "new-field",
              field,
              "field '%s' is on %.0f%% of the minute's records and was on none before"
                  .formatted(field, 100 * presentNow)
            });
        continue;
      }
      if (presentBefore >= 0.9 && presentNow < 0.5) {
        found.add(
            new String[] {
              "missing-field",
              field,
              "field '%s' is on %.0f%% of the minute's records, where %.0f%% had it"
                  .formatted(field, 100 * presentNow, 100 * presentBefore)
            });
        continue;
      }
      long baseNulls = base.stream().mapToLong(m -> m.nulls(field)).sum();
      double nullsNow = (double) now.nulls(field) / valid;
      double nullsBefore = baseValid == 0 ? 0 : (double) baseNulls / baseValid;
      if (nullsNow - nullsBefore > 0.25) {
        found.add(
            new String[] {
              "nulls",
              field,
              "field '%s' is null or empty on %.0f%% of the minute's records, where %.0f%% is usual"
                  .formatted(field, 100 * nullsNow, 100 * nullsBefore)
            });
      }
    }
  }
}
