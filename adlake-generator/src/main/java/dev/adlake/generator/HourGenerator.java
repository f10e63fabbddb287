package dev.adlake.generator;

import static dev.adlake.generator.Mixer.mix;

import dev.adlake.core.feed.BuiltInFeeds;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Generates every event whose time falls in one hour, writes it to the feeds' files, and counts the
 * true figures of that hour. Hours are independent, so they run in parallel and the output does not
 * depend on the number of threads.
 *
 * <p>Faults a real feed has: a share of rows arrives late, in the file delivered two hours later; a
 * share is delivered twice (again in that later file); a few lines are malformed.
 */
final class HourGenerator implements Callable<HourGenerator.Result> {
  static final double LATE_SHARE = 0.005;
  static final double DUPLICATE_SHARE = 0.002;
  static final double MALFORMED_SHARE = 0.0004;
  static final double CONVERSIONS_PER_CLICK = 0.08;
  static final double TRACKER_SHARE = 0.3;
  static final int LATE_DELIVERY_HOURS = 2;
  private static final int BUFFER = 1 << 20;
  private static final long IMPRESSION_SALT = 0x1A00_0000_0000_0000L;
  private static final long CLICK_SALT = 0x2B00_0000_0000_0000L;
  private static final long CONVERSION_SALT = 0x3C00_0000_0000_0000L;
  private static final long TRACKER_SALT = 0x4D00_0000_0000_0000L;
  private static final DateTimeFormatter FILE_HOUR = DateTimeFormatter.ofPattern("yyyyMMdd-HH");
  private static final DateTimeFormatter HOUR_PREFIX =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:");
  private static final DateTimeFormatter EXPECTED_HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:00:00'Z'");
  private static final byte[] IMPRESSION = "impression".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLICK = "click".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NOT_A_ROW = ascii(",not-a-row\n");
  private static final byte[] JSON_EVENT_ID = ascii("{\"event_id\":\"");
  private static final byte[] JSON_CUT_OFF = ascii("\",\"ts\":\n");
  private static final byte[] IMPOSSIBLE_TIMESTAMP = ascii("2026-13-45T25:61:00.000Z\t");
  private static final byte[] MALFORMED_TAIL =
      ascii("\t10.0.0.1\tunknown\timpression\thttps://example.com/\t-\n");
  private static final byte[] AD_PREFIX = ascii("ad-");
  private static final byte[] JSON_TS = ascii("\",\"ts\":\"");
  private static final byte[] JSON_AD_ID = ascii("\",\"ad_id\":");
  private static final byte[] JSON_COOKIE_ID = ascii(",\"cookie_id\":\"af-");
  private static final byte[] JSON_IP = ascii("\",\"ip\":\"");
  private static final byte[] JSON_SITE_DOMAIN = ascii("\",\"site_domain\":\"");
  private static final byte[] JSON_PAGE_URL = ascii("\",\"page_url\":\"");
  private static final byte[] JSON_USER_AGENT = ascii("\",\"user_agent\":\"");
  private static final byte[] JSON_END = ascii("\"}\n");
  private static final byte[][] CONVERSION_TYPES = {
    ascii("purchase"), ascii("signup"), ascii("lead"), ascii("install")
  };

  /** The figures of one generated hour and its true per-ad rows as CSV text. */
  record Result(
      int hourIndex,
      long impressions,
      long clicks,
      long conversions,
      long trackerEvents,
      long adServerRows,
      long duplicateRows,
      long lateRows,
      long malformedLines,
      int files,
      long bytes,
      byte[] expectedRows) {}

  private final AdUniverse universe;
  private final int hourIndex;
  private final LocalDateTime hour;
  private final int events;
  private final Path landing;

  HourGenerator(AdUniverse universe, int hourIndex, LocalDateTime hour, int events, Path landing) {
    this.universe = universe;
    this.hourIndex = hourIndex;
    this.hour = hour;
    this.events = events;
    this.landing = landing;
  }

  @Override
  public Result call() throws IOException {
    SplittableRandom random = new SplittableRandom(mix(universe.seed ^ (0x5E00_0000L + hourIndex)));
    byte[] prefix = hour.format(HOUR_PREFIX).getBytes(StandardCharsets.US_ASCII);
    LocalDateTime lateHour = hour.plusHours(LATE_DELIVERY_HOURS);

    int[] impressions = new int[AdUniverse.ADS];
    int[] clicks = new int[AdUniverse.ADS];
    int[] conversions = new int[AdUniverse.ADS];
    int[] users = new int[AdUniverse.ADS];
    int[] sessions = new int[AdUniverse.ADS];
    LongSet adUsers = new LongSet(events);
    LongSet adAddresses = new LongSet(events);
    long clickCount = 0;
    long conversionCount = 0;
    long trackerCount = 0;
    long adServerRows = 0;
    long duplicateRows = 0;
    long lateRows = 0;
    long malformed = 0;

    Path eventsFile = file(BuiltInFeeds.ADSERVER_EVENTS, "events", hour, "-a.tsv");
    Path lateFile = file(BuiltInFeeds.ADSERVER_EVENTS, "events", lateHour, "-b.tsv");
    Path clicksFile = file(BuiltInFeeds.TRACKER_CLICKS, "clicks", hour, ".csv");
    Path conversionsFile = file(BuiltInFeeds.TRACKER_CONVERSIONS, "conversions", hour, ".csv");
    Path trackerFile = file(BuiltInFeeds.ADTRACKER_IMPRESSIONS, "adtracker", hour, ".jsonl");
    long bytes;
    try (AsciiWriter onTime = open(eventsFile);
        AsciiWriter late = open(lateFile);
        AsciiWriter clickOut = open(clicksFile);
        AsciiWriter conversionOut = open(conversionsFile);
        AsciiWriter trackerOut = open(trackerFile)) {
      clickOut.ascii(String.join(",", GeneratedFeeds.TRACKER_CLICKS_COLUMNS)).character('\n');
      conversionOut
          .ascii(String.join(",", GeneratedFeeds.TRACKER_CONVERSIONS_COLUMNS))
          .character('\n');

      for (int i = 0; i < events; i++) {
        long eventIndex = (long) hourIndex << 32 | i;
        int ad = universe.adPopularity.sample(random);
        int user = universe.userActivity.sample(random);
        int address = universe.addressOf(user, random.nextInt(universe.addressesOf(user)));
        int domain = universe.domainPopularity.sample(random);
        int page = random.nextInt(100_000);
        int millis = random.nextInt(3_600_000);
        long impressionId = mix(universe.seed ^ IMPRESSION_SALT ^ eventIndex);
        double fate = random.nextDouble();
        boolean isLate = fate < LATE_SHARE;
        boolean isDuplicate = !isLate && fate < LATE_SHARE + DUPLICATE_SHARE;
        AsciiWriter target = isLate ? late : onTime;

        if (random.nextDouble() < MALFORMED_SHARE) {
          writeMalformed(onTime, malformed, ad, prefix, millis);
          malformed++;
          adServerRows++;
        }
        AsciiWriter copy = isDuplicate ? late : null;
        int eventRows = isDuplicate ? 2 : 1;
        deliver(
            target,
            copy,
            ad,
            user,
            address,
            domain,
            page,
            prefix,
            millis,
            impressionId,
            IMPRESSION);
        impressions[ad]++;
        if (adUsers.add((long) ad << 32 | user)) {
          users[ad]++;
        }
        if (adAddresses.add((long) ad << 32 | (address & 0xFFFF_FFFFL))) {
          sessions[ad]++;
        }

        if (random.nextDouble() < universe.clickThroughRate[ad]) {
          int clickMillis = Math.min(3_599_999, millis + 1000 + random.nextInt(60_000));
          deliver(
              target,
              copy,
              ad,
              user,
              address,
              domain,
              page,
              prefix,
              clickMillis,
              impressionId,
              CLICK);
          eventRows += isDuplicate ? 2 : 1;
          clicks[ad]++;
          clickCount++;
          long clickId = mix(universe.seed ^ CLICK_SALT ^ eventIndex);
          if (random.nextDouble() < MALFORMED_SHARE * 20) {
            clickOut.hex(clickId).bytes(NOT_A_ROW);
            malformed++;
          }
          writeClick(
              clickOut,
              clickId,
              impressionId,
              ad,
              user,
              address,
              domain,
              page,
              prefix,
              clickMillis);

          if (random.nextDouble() < CONVERSIONS_PER_CLICK) {
            int conversionMillis =
                Math.min(3_599_999, clickMillis + 5000 + random.nextInt(600_000));
            long conversionId = mix(universe.seed ^ CONVERSION_SALT ^ eventIndex);
            int type = random.nextInt(CONVERSION_TYPES.length);
            int cents = 500 + random.nextInt(20_000);
            conversionOut.hex(conversionId).character(',').hex(clickId).character(',');
            conversionOut.number(universe.adIds[ad]).character(',');
            conversionOut.number(universe.campaignIds[universe.campaignOfAd(ad)]).character(',');
            conversionOut
                .number(universe.advertiserIds[universe.advertiserOfAd(ad)])
                .character(',');
            conversionOut.hex(universe.userIdOf(user)).character(',');
            conversionOut.timestamp(prefix, conversionMillis).character(',');
            conversionOut.bytes(CONVERSION_TYPES[type]).character(',');
            conversionOut.number(cents / 100).character('.').padded(cents % 100, 2).character('\n');
            conversions[ad]++;
            conversionCount++;
          }
        }

        adServerRows += eventRows;
        duplicateRows += isDuplicate ? eventRows / 2 : 0;
        lateRows += isLate ? eventRows : 0;

        if (random.nextDouble() < TRACKER_SHARE) {
          trackerCount++;
          if (random.nextDouble() < MALFORMED_SHARE * 10) {
            trackerOut.bytes(JSON_EVENT_ID).hex(impressionId).bytes(JSON_CUT_OFF);
            malformed++;
          }
          writeTracker(trackerOut, impressionId, ad, user, address, domain, page, prefix, millis);
        }
      }
      bytes =
          onTime.size() + late.size() + clickOut.size() + conversionOut.size() + trackerOut.size();
    }
    touch(eventsFile, hour.plusHours(1));
    touch(lateFile, lateHour.plusHours(1));
    touch(clicksFile, hour.plusHours(1));
    touch(conversionsFile, hour.plusHours(1));
    touch(trackerFile, hour.plusHours(1));

    byte[] expected = expectedRows(impressions, clicks, conversions, users, sessions);
    return new Result(
        hourIndex,
        events,
        clickCount,
        conversionCount,
        trackerCount,
        adServerRows,
        duplicateRows,
        lateRows,
        malformed,
        5,
        bytes,
        expected);
  }

  /** Writes an event row to its file, and again to the late file when it is duplicated. */
  private void deliver(
      AsciiWriter target,
      AsciiWriter copy,
      int ad,
      int user,
      int address,
      int domain,
      int page,
      byte[] prefix,
      int millis,
      long impressionId,
      byte[] event)
      throws IOException {
    writeEvent(target, ad, user, address, domain, page, prefix, millis, impressionId, event);
    if (copy != null) {
      writeEvent(copy, ad, user, address, domain, page, prefix, millis, impressionId, event);
    }
  }

  private void writeEvent(
      AsciiWriter out,
      int ad,
      int user,
      int address,
      int domain,
      int page,
      byte[] prefix,
      int millis,
      long impressionId,
      byte[] event)
      throws IOException {
    out.number(universe.adIds[ad]).character('\t');
    out.number(universe.campaignIds[universe.campaignOfAd(ad)]).character('\t');
    out.number(universe.advertiserIds[universe.advertiserOfAd(ad)]).character('\t');
    out.timestamp(prefix, millis).character('\t');
    out.hex(impressionId).character('\t');
    out.ipv4(address).character('\t');
    out.hex(universe.userIdOf(user)).character('\t');
    out.bytes(event).character('\t');
    out.bytes(universe.domainUrlPrefix[domain]).number(page).character('\t');
    out.bytes(universe.userAgents[universe.userAgentOf(user)]).character('\n');
  }

  /** Three kinds in turn: a cut-off row, an impossible timestamp, a non-numeric ad id. */
  private void writeMalformed(AsciiWriter out, long sequence, int ad, byte[] prefix, int millis)
      throws IOException {
    switch ((int) (sequence % 3)) {
      case 0 -> {
        out.number(universe.adIds[ad]).character('\t');
        out.number(universe.campaignIds[universe.campaignOfAd(ad)]).character('\t');
        out.timestamp(prefix, millis).character('\n');
      }
      case 1 -> {
        out.number(universe.adIds[ad]).character('\t');
        out.number(universe.campaignIds[universe.campaignOfAd(ad)]).character('\t');
        out.number(universe.advertiserIds[universe.advertiserOfAd(ad)]).character('\t');
        out.bytes(IMPOSSIBLE_TIMESTAMP);
        out.hex(sequence).bytes(MALFORMED_TAIL);
      }
      default -> {
        out.bytes(AD_PREFIX).number(universe.adIds[ad]).character('\t');
        out.number(universe.campaignIds[universe.campaignOfAd(ad)]).character('\t');
        out.number(universe.advertiserIds[universe.advertiserOfAd(ad)]).character('\t');
        out.timestamp(prefix, millis).character('\t');
        out.hex(sequence).bytes(MALFORMED_TAIL);
      }
    }
  }

  private void writeClick(
      AsciiWriter out,
      long clickId,
      long impressionId,
      int ad,
      int user,
      int address,
      int domain,
      int page,
      byte[] prefix,
      int millis)
      throws IOException {
    out.hex(clickId).character(',').hex(impressionId).character(',');
    out.number(universe.adIds[ad]).character(',');
    out.number(universe.campaignIds[universe.campaignOfAd(ad)]).character(',');
    out.number(universe.advertiserIds[universe.advertiserOfAd(ad)]).character(',');
    out.hex(universe.userIdOf(user)).character(',');
    out.ipv4(address).character(',');
    out.timestamp(prefix, millis).character(',');
    out.bytes(universe.domainUrlPrefix[domain]).number(page).character('\n');
  }

  private void writeTracker(
      AsciiWriter out,
      long impressionId,
      int ad,
      int user,
      int address,
      int domain,
      int page,
      byte[] prefix,
      int millis)
      throws IOException {
    out.bytes(JSON_EVENT_ID).hex(mix(universe.seed ^ TRACKER_SALT ^ impressionId));
    out.bytes(JSON_TS).timestamp(prefix, millis);
    out.bytes(JSON_AD_ID).number(universe.adIds[ad]);
    out.bytes(JSON_COOKIE_ID).hex(universe.trackerCookieOf(user));
    out.bytes(JSON_IP).ipv4(address);
    out.bytes(JSON_SITE_DOMAIN).bytes(universe.domainNames[domain]);
    out.bytes(JSON_PAGE_URL).bytes(universe.domainUrlPrefix[domain]).number(page);
    out.bytes(JSON_USER_AGENT).bytes(universe.userAgents[universe.userAgentOf(user)]);
    out.bytes(JSON_END);
  }

  /** One CSV row per ad active in the hour, ascending by ad, with exact distinct counts. */
  private byte[] expectedRows(
      int[] impressions, int[] clicks, int[] conversions, int[] users, int[] sessions)
      throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    String hourText = hour.format(EXPECTED_HOUR);
    try (AsciiWriter out = new AsciiWriter(bytes, 1 << 16)) {
      for (int ad = 0; ad < AdUniverse.ADS; ad++) {
        if (impressions[ad] == 0 && clicks[ad] == 0 && conversions[ad] == 0) {
          continue;
        }
        out.ascii(hourText).character(',').number(universe.adIds[ad]).character(',');
        out.number(universe.campaignIds[universe.campaignOfAd(ad)]).character(',');
        out.number(universe.advertiserIds[universe.advertiserOfAd(ad)]).character(',');
        out.number(impressions[ad]).character(',').number(clicks[ad]).character(',');
        out.number(conversions[ad]).character(',').number(sessions[ad]).character(',');
        out.number(users[ad]).character('\n');
      }
    }
    return bytes.toByteArray();
  }

  private Path file(String feed, String name, LocalDateTime delivery, String suffix)
      throws IOException {
    Path folder = landing.resolve(feed).resolve("dt=" + delivery.toLocalDate());
    Files.createDirectories(folder);
    return folder.resolve(name + "-" + delivery.format(FILE_HOUR) + suffix);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static AsciiWriter open(Path file) throws IOException {
    return new AsciiWriter(new FileOutputStream(file.toFile()), BUFFER);
  }

  private static void touch(Path file, LocalDateTime time) throws IOException {
    Instant instant = time.toInstant(ZoneOffset.UTC);
    Files.setLastModifiedTime(file, FileTime.from(instant));
  }
}
