package dev.adlake.generator.browsing;

import dev.adlake.generator.browsing.BrowsingUniverse.PageView;
import dev.adlake.generator.stream.IpGeography;
import dev.adlake.generator.stream.UserAgents;
import java.io.Serializable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Page views of the partners as the enricher would have written them, generated in Spark tasks
 * straight into a DataFrame: for the classification benchmark and tests, at sizes that landing
 * files and streaming them would take too long for. The web is the same {@link BrowsingUniverse} as
 * the files' (same seed, same domains, categories and people), so the truth of {@link
 * BrowsingGenerator} for the same options holds for these views too.
 *
 * <p>The columns are those of the events table the classification reads: source ({@value
 * #SHARETHIS_SOURCE} or {@value #THIRTYTHREEACROSS_SOURCE}), event id, type, time, the partner's
 * user id, IP, user agent, and the page's URL, host, registrable domain and path, and the referrer.
 */
public final class PageViewEvents {
  /** The stream source of ShareThis page views: its topic is {@code ingested-st}. */
  public static final String SHARETHIS_SOURCE = "st";

  /** The stream source of 33Across page views: its topic is {@code ingested-tt}. */
  public static final String THIRTYTHREEACROSS_SOURCE = "tt";

  public static final StructType SCHEMA =
      new StructType()
          .add("source", DataTypes.StringType, false)
          .add("event_id", DataTypes.StringType, false)
          .add("event_type", DataTypes.StringType, false)
          .add("event_time", DataTypes.TimestampType, false)
          .add("user_id", DataTypes.StringType, true)
          .add("ip", DataTypes.StringType, false)
          .add("user_agent", DataTypes.StringType, true)
          .add("page_url", DataTypes.StringType, true)
          .add("page_host", DataTypes.StringType, true)
          .add("page_domain", DataTypes.StringType, true)
          .add("page_path", DataTypes.StringType, true)
          .add("referrer_url", DataTypes.StringType, true);

  /** What a task needs to build the web again: the options without their folders. */
  private record Web(
      long seed, long startEpochDay, int hours, int domains, int users, int tier1Categories)
      implements Serializable {
    BrowsingOptions options() {
      Path none = Path.of(".");
      BrowsingOptions defaults =
          BrowsingOptions.defaults(seed, LocalDate.ofEpochDay(startEpochDay), none, none, none);
      return new BrowsingOptions(
          seed,
          defaults.startDate(),
          hours,
          domains,
          users,
          0,
          0,
          tier1Categories,
          defaults.partnerLabelShare(),
          defaults.vendorLabelShare(),
          defaults.partnerLabelNoise(),
          defaults.vendorLabelNoise(),
          none,
          none,
          none);
    }
  }

  /** The web built last in this JVM: tasks of one generation share it. */
  private static Built last;

  private record Built(Web web, BrowsingUniverse universe, String[] addresses) {}

  private PageViewEvents() {}

  /**
   * {@code views} page views over the options' hours, in {@code tasks} tasks, each with its own
   * random stream: the same arguments give the same rows.
   */
  public static Dataset<Row> generate(
      SparkSession spark, BrowsingOptions options, long views, int tasks) {
    Web web =
        new Web(
            options.seed(),
            options.startDate().toEpochDay(),
            options.hours(),
            options.domains(),
            options.users(),
            options.tier1Categories());
    long perTask = views / tasks;
    long remainder = views % tasks;
    MapPartitionsFunction<Long, Row> rows =
        indexes -> {
          if (!indexes.hasNext()) {
            return java.util.Collections.emptyIterator();
          }
          int task = (int) (long) indexes.next();
          long count = perTask + (task < remainder ? 1 : 0);
          return new TaskViews(built(web), web, task, count);
        };
    return spark.range(0, tasks, 1, tasks).mapPartitions(rows, Encoders.row(SCHEMA));
  }

  /**
   * The generated label file of a category feed's prefix under the landing zone (its one dated
   * snapshot), for reading it without the feed.
   */
  public static String labelFile(Path landing, String prefix) {
    try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(landing.resolve(prefix))) {
      return walk.filter(path -> path.toString().endsWith(".csv"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("No label file under " + prefix))
          .toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static synchronized Built built(Web web) {
    if (last == null || !last.web().equals(web)) {
      BrowsingOptions options = web.options();
      last =
          new Built(
              web,
              new BrowsingUniverse(options),
              BrowsingGenerator.addresses(options, IpGeography.sample()));
    }
    return last;
  }

  /** The page views of one task. */
  private static final class TaskViews implements Iterator<Row> {
    private final Built built;
    private final Web web;
    private final int task;
    private final long count;
    private final SplittableRandom random;
    private final UserAgents agents = new UserAgents();
    private final long start;
    private long next;

    TaskViews(Built built, Web web, int task, long count) {
      this.built = built;
      this.web = web;
      this.task = task;
      this.count = count;
      this.random = new SplittableRandom(web.seed() * 7_919 + task);
      this.start =
          LocalDate.ofEpochDay(web.startEpochDay()).atStartOfDay(ZoneOffset.UTC).toEpochSecond()
              * 1000;
    }

    @Override
    public boolean hasNext() {
      return next < count;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      long hour = start + 3_600_000L * random.nextInt(web.hours());
      PageView view = built.universe().pageView(random, hour);
      String url = view.url();
      int hostStart = url.indexOf("://") + 3;
      int pathStart = url.indexOf('/', hostStart);
      return RowFactory.create(
          view.sharethis() ? SHARETHIS_SOURCE : THIRTYTHREEACROSS_SOURCE,
          "gen-" + task + "-" + next++,
          "page_view",
          new Timestamp(view.epochMillis()),
          view.sharethis() ? view.person().sharethisId() : view.person().thirtyThreeAcrossId(),
          built.addresses()[view.person().index()],
          agents.browserOf(view.person().agentHash()).text(),
          url,
          url.substring(hostStart, pathStart),
          view.site().name(),
          url.substring(pathStart),
          view.referrer().isEmpty() ? null : view.referrer());
    }
  }
}
