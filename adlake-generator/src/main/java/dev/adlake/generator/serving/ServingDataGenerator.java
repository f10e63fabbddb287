package dev.adlake.generator.serving;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.sketch.HllSketches;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.core.table.ServingTables;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.datasketches.hll.HllSketch;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Fills the serving store with simulated hourly and daily rollups of ad traffic, at the ad,
 * campaign and advertiser levels, with real HLL sketches of simulated user and IP hashes, plus
 * daily breakdowns by site domain and device type and a row in {@code serving.refreshes}.
 *
 * <p>It replaces whatever the rollup tables held. Campaign, advertiser and daily sketches are built
 * from the same hashes as the ad-hour sketches they cover, which is what a union of those sketches
 * gives, so every level agrees. The returned {@link ServingDataTruth} recounts the simulated
 * impressions exactly, for tests to compare the API's answers with.
 */
public final class ServingDataGenerator {
  private static final String COPY_HOURLY =
      "COPY "
          + ServingTables.METRICS_HOURLY
          + " (level, id, hour, campaign_id, advertiser_id, impressions,"
          + " clicks, conversions, sessions, users, sessions_sketch, users_sketch) FROM STDIN";
  private static final String COPY_DAILY =
      "COPY "
          + ServingTables.METRICS_DAILY
          + " (level, id, day, campaign_id, advertiser_id, impressions,"
          + " clicks, conversions, sessions_sketch, users_sketch) FROM STDIN";
  private static final String COPY_DIMENSIONS =
      "COPY "
          + ServingTables.DIMENSION_DAILY
          + " (dimension, value, day, campaign_id, advertiser_id,"
          + " impressions, clicks) FROM STDIN";

  /**
   * What to generate.
   *
   * @param days how many UTC days, starting at {@code startDate}
   * @param ads how many ads, split evenly over the campaigns
   * @param campaigns how many campaigns, split evenly over the advertisers
   * @param advertisers how many advertisers
   * @param users the simulated user population that impressions are drawn from
   * @param impressionsPerAdHour the mean impressions of an ad in an hour (popular ads get more)
   * @param startDate the first UTC day
   * @param seed the same seed gives the same data
   */
  public record Options(
      int days,
      int ads,
      int campaigns,
      int advertisers,
      long users,
      double impressionsPerAdHour,
      LocalDate startDate,
      long seed) {
    public Options {
      requireNonNull(startDate, "startDate is null");
      List<String> problems = new ArrayList<>();
      if (days < 1) {
        problems.add("days is %d, must be at least 1".formatted(days));
      }
      if (advertisers < 1) {
        problems.add("advertisers is %d, must be at least 1".formatted(advertisers));
      }
      if (campaigns < advertisers) {
        problems.add(
            "campaigns is %d, must be at least advertisers (%d)".formatted(campaigns, advertisers));
      }
      if (ads < campaigns) {
        problems.add("ads is %d, must be at least campaigns (%d)".formatted(ads, campaigns));
      }
      if (users < 1) {
        problems.add("users is %d, must be at least 1".formatted(users));
      }
      if (!(impressionsPerAdHour > 0)) {
        problems.add("impressionsPerAdHour is %s, must be above 0".formatted(impressionsPerAdHour));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(
            "Invalid serving data options: " + String.join("; ", problems));
      }
    }

    /** The benchmark's volume: 90 days of 2,000 ads in 400 campaigns of 60 advertisers. */
    public static Options defaults() {
      return new Options(90, 2_000, 400, 60, 300_000, 8.0, LocalDate.of(2026, 1, 1), 42);
    }

    public Options withDays(int newDays) {
      return new Options(
          newDays, ads, campaigns, advertisers, users, impressionsPerAdHour, startDate, seed);
    }

    public Options withEntities(int newAds, int newCampaigns, int newAdvertisers) {
      return new Options(
          days, newAds, newCampaigns, newAdvertisers, users, impressionsPerAdHour, startDate, seed);
    }

    public Options withUsers(long newUsers) {
      return new Options(
          days, ads, campaigns, advertisers, newUsers, impressionsPerAdHour, startDate, seed);
    }

    public Options withStartDate(LocalDate newStartDate) {
      return new Options(
          days, ads, campaigns, advertisers, users, impressionsPerAdHour, newStartDate, seed);
    }

    public Options withSeed(long newSeed) {
      return new Options(
          days, ads, campaigns, advertisers, users, impressionsPerAdHour, startDate, newSeed);
    }
  }

  private ServingDataGenerator() {}

  /**
   * Replaces the serving store's rollups with generated ones.
   *
   * @param dataSource a migrated adlake database; three connections are used at once
   * @param progress told after each generated day
   * @return the generator's exact answers for the data written
   * @throws ExternalFailureException when PostgreSQL fails
   */
  public static ServingDataTruth generate(
      DataSource dataSource, Options options, Consumer<String> progress) {
    requireNonNull(dataSource, "dataSource is null");
    requireNonNull(options, "options is null");
    requireNonNull(progress, "progress is null");
    SimulatedTraffic traffic = new SimulatedTraffic(options);
    long started = System.nanoTime();
    try (Connection hourlyConnection = dataSource.getConnection();
        Connection dailyConnection = dataSource.getConnection();
        Connection dimensionConnection = dataSource.getConnection()) {
      try (Statement statement = hourlyConnection.createStatement()) {
        statement.execute(
            "TRUNCATE "
                + ServingTables.METRICS_HOURLY
                + ", "
                + ServingTables.METRICS_DAILY
                + ", "
                + ServingTables.DIMENSION_DAILY);
      }
      long rows;
      try (OutputStream hourly = copy(hourlyConnection, COPY_HOURLY);
          OutputStream daily = copy(dailyConnection, COPY_DAILY);
          OutputStream dimensions = copy(dimensionConnection, COPY_DIMENSIONS)) {
        DayWriter writer =
            new DayWriter(
                traffic,
                new CopyRowWriter(hourly),
                new CopyRowWriter(daily),
                new CopyRowWriter(dimensions));
        for (int day = 0; day < options.days(); day++) {
          writer.writeDay(day, options.startDate().plusDays(day));
          progress.accept(
              "Generated day %d of %d (%s): %,d rows so far, %.1f s"
                  .formatted(
                      day + 1,
                      options.days(),
                      options.startDate().plusDays(day),
                      writer.rows,
                      (System.nanoTime() - started) / 1e9));
        }
        rows = writer.rows;
      }
      Instant firstHour = options.startDate().atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant lastHour = firstHour.plusSeconds(3600L * (options.days() * 24L - 1));
      try (PreparedStatement insert =
          hourlyConnection.prepareStatement(
              "INSERT INTO "
                  + ServingTables.REFRESHES
                  + " (hours_replaced, first_hour, last_hour)"
                  + " VALUES (?, ?, ?)")) {
        insert.setInt(1, options.days() * 24);
        insert.setTimestamp(2, Timestamp.from(firstHour));
        insert.setTimestamp(3, Timestamp.from(lastHour));
        insert.executeUpdate();
      }
      try (Statement statement = hourlyConnection.createStatement()) {
        statement.execute(
            "ANALYZE "
                + ServingTables.METRICS_HOURLY
                + ", "
                + ServingTables.METRICS_DAILY
                + ", "
                + ServingTables.DIMENSION_DAILY);
      }
      progress.accept(
          "Wrote %,d rows for %,d ads over %d days in %.1f s"
              .formatted(rows, options.ads(), options.days(), (System.nanoTime() - started) / 1e9));
    } catch (SQLException | IOException e) {
      throw new ExternalFailureException(
          "Cannot write generated serving data: " + e.getMessage(), e);
    }
    return new ServingDataTruth(options, traffic);
  }

  private static OutputStream copy(Connection connection, String sql) throws SQLException {
    PGConnection postgres = connection.unwrap(PGConnection.class);
    return new BufferedOutputStream(new PGCopyOutputStream(postgres, sql), 1 << 20);
  }

  /** Simulates one day at a time and writes its hourly, daily and breakdown rows. */
  private static final class DayWriter {
    private final SimulatedTraffic traffic;
    private final CopyRowWriter hourly;
    private final CopyRowWriter daily;
    private final CopyRowWriter dimensions;
    private final Rollup[] adDay;
    private final Rollup[] campaignDay;
    private final Rollup[] advertiserDay;
    private final long[][] siteImpressions;
    private final long[][] siteClicks;
    private final long[][] deviceImpressions;
    private final long[][] deviceClicks;
    private long[] userBuffer = new long[256];
    private long[] ipBuffer = new long[256];
    long rows;

    DayWriter(
        SimulatedTraffic traffic,
        CopyRowWriter hourly,
        CopyRowWriter daily,
        CopyRowWriter dimensions) {
      this.traffic = traffic;
      this.hourly = hourly;
      this.daily = daily;
      this.dimensions = dimensions;
      adDay = new Rollup[traffic.ads()];
      campaignDay = new Rollup[traffic.campaigns()];
      advertiserDay = new Rollup[traffic.advertisers()];
      siteImpressions = new long[traffic.campaigns()][SimulatedTraffic.SITE_DOMAINS.length];
      siteClicks = new long[traffic.campaigns()][SimulatedTraffic.SITE_DOMAINS.length];
      deviceImpressions = new long[traffic.campaigns()][SimulatedTraffic.DEVICE_TYPES.length];
      deviceClicks = new long[traffic.campaigns()][SimulatedTraffic.DEVICE_TYPES.length];
    }

    void writeDay(int day, LocalDate date) throws IOException {
      fresh(adDay);
      fresh(campaignDay);
      fresh(advertiserDay);
      for (long[][] counts :
          List.of(siteImpressions, siteClicks, deviceImpressions, deviceClicks)) {
        for (long[] row : counts) {
          Arrays.fill(row, 0);
        }
      }
      Rollup[] campaignHour = new Rollup[traffic.campaigns()];
      Rollup[] advertiserHour = new Rollup[traffic.advertisers()];
      for (int hourOfDay = 0; hourOfDay < 24; hourOfDay++) {
        int hour = day * 24 + hourOfDay;
        String hourText = date + " " + (hourOfDay < 10 ? "0" : "") + hourOfDay + ":00:00+00";
        fresh(campaignHour);
        fresh(advertiserHour);
        for (int ad = 0; ad < traffic.ads(); ad++) {
          int campaign = traffic.campaignOf(ad);
          int advertiser = traffic.advertiserOf(campaign);
          Rollup adHour = new Rollup();
          Rollup[] touched = {
            adHour,
            adDay[ad],
            campaignHour[campaign],
            campaignDay[campaign],
            advertiserHour[advertiser],
            advertiserDay[advertiser]
          };
          int[] count = {0};
          traffic.simulate(
              ad,
              hour,
              (userHash, ipHash, site, device, clicked, converted) -> {
                for (Rollup rollup : touched) {
                  rollup.add(userHash, ipHash, clicked, converted);
                }
                siteImpressions[campaign][site]++;
                deviceImpressions[campaign][device]++;
                if (clicked) {
                  siteClicks[campaign][site]++;
                  deviceClicks[campaign][device]++;
                }
                remember(count[0]++, userHash, ipHash);
              });
          if (adHour.impressions > 0) {
            writeHourly(
                EntityLevel.AD,
                SimulatedTraffic.adId(ad),
                hourText,
                SimulatedTraffic.campaignId(campaign),
                SimulatedTraffic.advertiserId(advertiser),
                adHour,
                distinct(ipBuffer, count[0]),
                distinct(userBuffer, count[0]));
          }
        }
        for (int campaign = 0; campaign < traffic.campaigns(); campaign++) {
          if (campaignHour[campaign].impressions > 0) {
            int advertiser = traffic.advertiserOf(campaign);
            writeHourly(
                EntityLevel.CAMPAIGN,
                SimulatedTraffic.campaignId(campaign),
                hourText,
                SimulatedTraffic.campaignId(campaign),
                SimulatedTraffic.advertiserId(advertiser),
                campaignHour[campaign],
                -1,
                -1);
          }
        }
        for (int advertiser = 0; advertiser < traffic.advertisers(); advertiser++) {
          if (advertiserHour[advertiser].impressions > 0) {
            int advertiserId = SimulatedTraffic.advertiserId(advertiser);
            writeHourly(
                EntityLevel.ADVERTISER,
                advertiserId,
                hourText,
                -1,
                advertiserId,
                advertiserHour[advertiser],
                -1,
                -1);
          }
        }
      }
      String dayText = date.toString();
      for (int ad = 0; ad < traffic.ads(); ad++) {
        int campaign = traffic.campaignOf(ad);
        writeDaily(
            EntityLevel.AD,
            SimulatedTraffic.adId(ad),
            dayText,
            SimulatedTraffic.campaignId(campaign),
            SimulatedTraffic.advertiserId(traffic.advertiserOf(campaign)),
            adDay[ad]);
      }
      for (int campaign = 0; campaign < traffic.campaigns(); campaign++) {
        int advertiserId = SimulatedTraffic.advertiserId(traffic.advertiserOf(campaign));
        int campaignId = SimulatedTraffic.campaignId(campaign);
        writeDaily(
            EntityLevel.CAMPAIGN,
            campaignId,
            dayText,
            campaignId,
            advertiserId,
            campaignDay[campaign]);
        writeDimension(
            "site_domain",
            SimulatedTraffic.SITE_DOMAINS,
            siteImpressions[campaign],
            siteClicks[campaign],
            dayText,
            campaignId,
            advertiserId);
        writeDimension(
            "device_type",
            SimulatedTraffic.DEVICE_TYPES,
            deviceImpressions[campaign],
            deviceClicks[campaign],
            dayText,
            campaignId,
            advertiserId);
      }
      for (int advertiser = 0; advertiser < traffic.advertisers(); advertiser++) {
        int advertiserId = SimulatedTraffic.advertiserId(advertiser);
        writeDaily(
            EntityLevel.ADVERTISER,
            advertiserId,
            dayText,
            -1,
            advertiserId,
            advertiserDay[advertiser]);
      }
    }

    private void remember(int index, long userHash, long ipHash) {
      if (index == userBuffer.length) {
        userBuffer = Arrays.copyOf(userBuffer, index * 2);
        ipBuffer = Arrays.copyOf(ipBuffer, index * 2);
      }
      userBuffer[index] = userHash;
      ipBuffer[index] = ipHash;
    }

    private static long distinct(long[] values, int count) {
      Arrays.sort(values, 0, count);
      long distinct = 0;
      for (int i = 0; i < count; i++) {
        if (i == 0 || values[i] != values[i - 1]) {
          distinct++;
        }
      }
      return distinct;
    }

    private void writeHourly(
        EntityLevel level,
        int id,
        String hour,
        int campaignId,
        int advertiserId,
        Rollup rollup,
        long sessions,
        long users)
        throws IOException {
      hourly.text(level.sqlName()).number(id).text(hour);
      if (campaignId < 0) {
        hourly.nullValue();
      } else {
        hourly.number(campaignId);
      }
      hourly
          .number(advertiserId)
          .number(rollup.impressions)
          .number(rollup.clicks)
          .number(rollup.conversions);
      if (sessions < 0) {
        hourly.nullValue().nullValue();
      } else {
        hourly.number(sessions).number(users);
      }
      hourly
          .bytes(rollup.sessions.toCompactByteArray())
          .bytes(rollup.users.toCompactByteArray())
          .endRow();
      rows++;
    }

    private void writeDaily(
        EntityLevel level, int id, String day, int campaignId, int advertiserId, Rollup rollup)
        throws IOException {
      if (rollup.impressions == 0) {
        return;
      }
      daily.text(level.sqlName()).number(id).text(day);
      if (campaignId < 0) {
        daily.nullValue();
      } else {
        daily.number(campaignId);
      }
      daily
          .number(advertiserId)
          .number(rollup.impressions)
          .number(rollup.clicks)
          .number(rollup.conversions)
          .bytes(rollup.sessions.toCompactByteArray())
          .bytes(rollup.users.toCompactByteArray())
          .endRow();
      rows++;
    }

    private void writeDimension(
        String dimension,
        String[] values,
        long[] impressions,
        long[] clicks,
        String day,
        int campaignId,
        int advertiserId)
        throws IOException {
      for (int i = 0; i < values.length; i++) {
        if (impressions[i] > 0) {
          dimensions
              .text(dimension)
              .text(values[i])
              .text(day)
              .number(campaignId)
              .number(advertiserId)
              .number(impressions[i])
              .number(clicks[i])
              .endRow();
          rows++;
        }
      }
    }

    private static void fresh(Rollup[] rollups) {
      for (int i = 0; i < rollups.length; i++) {
        rollups[i] = new Rollup();
      }
    }
  }

  /** The figures and sketches of one row being built. */
  private static final class Rollup {
    final HllSketch sessions = HllSketches.newSketch();
    final HllSketch users = HllSketches.newSketch();
    long impressions;
    long clicks;
    long conversions;

    void add(long userHash, long ipHash, boolean clicked, boolean converted) {
      impressions++;
      if (clicked) {
        clicks++;
      }
      if (converted) {
        conversions++;
      }
      users.update(userHash);
      sessions.update(ipHash);
    }
  }
}
