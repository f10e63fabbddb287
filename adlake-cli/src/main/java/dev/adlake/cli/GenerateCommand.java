package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GenerationReport;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.generator.ReferenceDataGenerator;
import dev.adlake.generator.browsing.BrowsingGenerator;
import dev.adlake.generator.browsing.BrowsingOptions;
import dev.adlake.generator.flywheel.FlywheelGenerator;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake generate}: lands synthetic ad data and its true answers. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Land realistic synthetic ad data and its true answers.",
      "",
      "Writes ad data from a fixed seed into the landing zone, and the true hourly figures per",
      "ad into <home>/expected. The same options always give the same files.",
      "",
      "Feeds: adserver/events (TSV: impressions and clicks), tracker/clicks and",
      "tracker/conversions (CSV), adtracker/impressions (JSON lines). Faults on purpose:",
      "late and duplicated rows, malformed lines, an empty file.",
      "",
      "Partners' browsing: ShareThis page views in its own bucket (<home>/partners),",
      "33Across page views and Xandr log-level files in the landing zone, the partner's",
      "and a vendor's domain categories (some wrong), and every domain's true IAB",
      "category and every person's partner ids in <home>/expected/browsing."
    },
    footer = {
      "",
      "Examples:",
      "  adlake generate                               a day of 1,000,000 impressions",
      "  adlake generate --events 20000000 --days 7    a week at the design's scale",
      "  adlake generate --seed 7 --start-date 2026-01-01"
    })
final class GenerateCommand implements Callable<Integer> {
  /** Rows of the ODS full load; the other reference feeds scale with it. */
  static final int REFERENCE_ROWS = 200;

  /** Customers of the clean-room flywheel's generated snapshots. */
  static final int FLYWHEEL_CUSTOMERS = 4_000;

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      defaultValue = "1000000",
      description = "Impressions per day (default: ${DEFAULT-VALUE})")
  long events;

  @Option(names = "--days", defaultValue = "1", description = "Days (default: ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--seed",
      defaultValue = "" + GeneratorOptions.DEFAULT_SEED,
      description = "Random seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--start-date",
      defaultValue = "2026-11-01",
      description = "First day, UTC (default: ${DEFAULT-VALUE})")
  LocalDate startDate;

  @Option(names = "--threads", description = "Worker threads (default: the number of cores)")
  Integer threads;

  @Option(
      names = "--domains",
      defaultValue = "2000",
      description = "Website domains the partners see (default: ${DEFAULT-VALUE})")
  int domains;

  @Option(
      names = "--page-views",
      defaultValue = "240000",
      description = "Partners' page views over 6 hours (default: ${DEFAULT-VALUE})")
  long pageViews;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    GeneratorOptions options =
        new GeneratorOptions(
            seed,
            startDate,
            days,
            events,
            config.landing().path(),
            config.expectedDirectory(),
            threads == null ? Runtime.getRuntime().availableProcessors() : threads);
    generate(options, console);
    BrowsingOptions defaults =
        BrowsingOptions.defaults(
            seed,
            startDate,
            config.landing().path(),
            config.partnerBucketsDirectory().resolve(BrowsingGenerator.SHARETHIS),
            config.expectedDirectory());
    generateBrowsing(
        defaults.withSize(
            domains,
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, pageViews / 30)),
            pageViews,
            pageViews / 6),
        console);
    return 0;
  }

  /** Lands the partners' browsing data and prints what it wrote. */
  static BrowsingGenerator.Report generateBrowsing(BrowsingOptions options, Console console) {
    Console.Progress progress = console.progress("hours of browsing");
    BrowsingGenerator.Report report =
        BrowsingGenerator.generate(options, hour -> progress.update(hour, options.hours()));
    console.line(
        "  partners' browsing: %s ShareThis page views (in %s), %s 33Across page views,"
            + " %s Xandr impressions",
        Console.count(report.sharethisViews()),
        options.partnerBucket(),
        Console.count(report.thirtyThreeAcrossViews()),
        Console.count(report.xandrImpressions()));
    console.line(
        "  %s domains in %d IAB Tier 2 categories; %s labelled by the partner, %s by the"
            + " vendor (some wrongly); %s partner ids of people in the truth",
        Console.count(report.domains()),
        report.categories(),
        Console.count(report.partnerLabels()),
        Console.count(report.vendorLabels()),
        Console.count(report.mappings()));
    return report;
  }

  static GenerationReport generate(GeneratorOptions options, Console console) {
    console.line(
        "Generating %d day(s) of %s impressions from %s (seed %d)",
        options.days(), Console.count(options.eventsPerDay()), options.startDate(), options.seed());
    Console.Progress progress = console.progress("hours");
    GenerationReport report = AdDataGenerator.generate(options, progress::update);
    console.line(
        "  %s impressions, %s clicks, %s conversions, %s ad-tracker events",
        Console.count(report.impressions()),
        Console.count(report.clicks()),
        Console.count(report.conversions()),
        Console.count(report.trackerEvents()));
    console.line(
        "  faults on purpose: %s duplicate rows, %s late rows, %s malformed lines, %d empty file",
        Console.count(report.duplicateRows()),
        Console.count(report.lateRows()),
        Console.count(report.malformedLines()),
        report.emptyFiles());
    console.line(
        "  %d files, %.1f MB in %s: %s ad-server TSV rows/s per core (%d threads, %d cores;"
            + " 'adlake bench generate' measures it warmed up)",
        report.files(),
        report.bytes() / 1e6,
        Console.seconds(report.elapsed()),
        Console.count((long) report.rowsPerSecondPerThread()),
        report.threads(),
        Runtime.getRuntime().availableProcessors());
    ReferenceDataGenerator.generate(
        options.seed(), options.landing(), options.expected(), REFERENCE_ROWS);
    console.line(
        "  reference feeds of every load mode: an ODS full load and its change files (%s),"
            + " daily DMAP files (%s), dated snapshots (%s)",
        BuiltInFeeds.ODS_PREFIX, BuiltInFeeds.DMAP_PREFIX, BuiltInFeeds.SNAPSHOTS_PREFIX);
    FlywheelGenerator.Report flywheel =
        FlywheelGenerator.generate(
            options.seed(),
            options.landing().resolve(FlywheelConfig.LANDING_FOLDER),
            options.expected(),
            FLYWHEEL_CUSTOMERS);
    console.line(
        "  clean-room flywheel: snapshots %s (older, left behind) and %s of %s, addressable ids"
            + " (%s rows), the column mapping and the collaboration (%s)",
        FlywheelGenerator.OLDER,
        flywheel.latest(),
        flywheel.rows().entrySet().stream()
            .map(entry -> entry.getKey() + " " + Console.count(entry.getValue()) + " rows")
            .collect(java.util.stream.Collectors.joining(", ")),
        Console.count(flywheel.addressableRows()),
        FlywheelConfig.LANDING_FOLDER);
    console.line("  landing zone: %s", options.landing());
    console.line("  true answers: %s", options.expected());
    return report;
  }
}
