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
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Page views of the partners as the enricher would have written them, as rows generated in parallel
 * tasks (the benchmark runs them in Spark tasks straight into an events table): for the
 * classification benchmark and tests, at sizes that landing files and streaming them would take too
 * long for. The web is the same {@link BrowsingUniverse} as the files' (same seed, same domains,
 * categories and people), so the truth of {@link BrowsingGenerator} for the same options holds for
 * these views too.
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

  /** The columns of a row, in order; the time is a {@link Timestamp}, the rest text. */
  public static final List<String> COLUMNS =
      List.of(
          "source",
          "event_id",
          "event_type",
          "event_time",
          "user_id",
          "ip",
          "user_agent",
          "page_url",
          "page_host",
          "page_domain",
          "page_path",
          "referrer_url");

  /** What a task needs to build the web again: the options without their folders. */
  public record Web(
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

  /** What tasks need to generate the views of these options. */
  public static Web web(BrowsingOptions options) {
    return new Web(
        options.seed(),
        options.startDate().toEpochDay(),
        options.hours(),
        options.domains(),
        options.users(),
        options.tier1Categories());
  }

  /**
   * The rows of one task of {@code tasks} sharing {@code views} page views, each task with its own
   * random stream: the same arguments give the same rows.
   */
  public static Iterator<Object[]> task(Web web, int task, int tasks, long views) {
    long count = views / tasks + (task < views % tasks ? 1 : 0);
    return new TaskViews(built(web), web, task, count);
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
  private static final class TaskViews implements Iterator<Object[]> {
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
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      long hour = start + 3_600_000L * random.nextInt(web.hours());
      PageView view = built.universe().pageView(random, hour);
      String url = view.url();
      int hostStart = url.indexOf("://") + 3;
      int pathStart = url.indexOf('/', hostStart);
      return new Object[] {
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
        view.referrer().isEmpty() ? null : view.referrer()
      };
    }
  }
}
