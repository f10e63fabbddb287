package dev.adlake.cli;

import dev.adlake.core.access.Scope;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.EncryptionConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.metadata.JdbcAudit;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.generator.browsing.BrowsingGenerator;
import dev.adlake.generator.browsing.BrowsingOptions;
import dev.adlake.generator.identity.MappingGraph;
import dev.adlake.generator.truth.ClassificationTruthCheck;
import dev.adlake.generator.truth.HourlyTruthCheck;
import dev.adlake.generator.truth.PartnerTruthCheck;
import dev.adlake.generator.truth.ServingTruthCheck;
import dev.adlake.generator.truth.StreamTruthCheck;
import dev.adlake.kafka.archive.ArchiveJob;
import dev.adlake.spark.Platform;
import dev.adlake.spark.classification.ClassificationTables;
import dev.adlake.spark.cookiemapping.UserIdsMapperJob;
import dev.adlake.spark.encryption.TableEncryption;
import dev.adlake.spark.ingestion.enrich.EnricherJob;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import dev.adlake.spark.ingestion.partner.PartnerEventsJob;
import dev.adlake.spark.reporting.AdMetricsJob;
import dev.adlake.spark.reportingenablement.MappingPublisherJob;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adlake quickstart}: the whole pipeline that exists so far, end to end, on embedded
 * services and a generated day, then a report of what it made and where to look.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline end to end on embedded services and a generated day.",
      "",
      "Starts the embedded services, generates a day of ad data, runs every stage of the",
      "pipeline and reports the tables it made, checked against the generator's true answers.",
      "Running it again reuses the home folder: files already loaded are not loaded again."
    },
    footer = {
      "",
      "Examples:",
      "  adlake quickstart",
      "  adlake quickstart --events 1000000",
      "  adlake quickstart --no-serve        end after the report, no dashboard",
      "  adlake quickstart --cluster         on a 2-worker Spark cluster, lake on S3",
      "  adlake --home /tmp/try quickstart"
    })
final class QuickstartCommand implements Callable<Integer> {
  /**
   * Events per second of the generated stream traffic (event time; sent as fast as Kafka takes).
   */
  static final int STREAM_RATE = 500;

  /** The name of the API token the quickstart makes. */
  static final String TOKEN_NAME = "quickstart";

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      defaultValue = "200000",
      description = "Impressions in the generated day (default: ${DEFAULT-VALUE})")
  long events;

  @Option(
      names = "--page-views",
      defaultValue = "240000",
      description =
          "Partners' page views over 6 hours, for the domain classification (default:"
              + " ${DEFAULT-VALUE})")
  long pageViews;

  @Option(
      names = "--seed",
      defaultValue = "" + GeneratorOptions.DEFAULT_SEED,
      description = "Random seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--stream-minutes",
      defaultValue = "3",
      description =
          "Minutes of tracker and bid-request traffic sent through Kafka, at "
              + STREAM_RATE
              + " events/s of event time (default: ${DEFAULT-VALUE})")
  int streamMinutes;

  @Option(
      names = "--no-serve",
      description = "End after the report instead of serving the dashboard until Ctrl-C")
  boolean noServe;

  @Option(
      names = "--cluster",
      description =
          "Run the pipeline on a Spark standalone cluster started here (a master and two"
              + " one-core workers, separate JVMs), with the warehouse and the enricher's"
              + " checkpoint on an S3 server (LocalS3)")
  boolean cluster;

  /** Spark's initial shuffle width under adaptive execution, before partitions are coalesced. */
  static final String INITIAL_PARTITIONS =
      "spark.sql.adaptive.coalescePartitions.initialPartitionNum";

  @Override
  public Integer call() throws InterruptedException {
    AdlakeConfig config = root.loadConfig();
    if (!config.spark().properties().containsKey(INITIAL_PARTITIONS)) {
      // The quickstart's data is small: shuffles started 200 partitions wide (for large data)
      // cost more in tasks than they save. Measured on 2 cores with './adlake quickstart
      // --no-serve': 400 s with 200 (domain-clusters 99 s), 185 s with 8 (domain-clusters 31 s).
      root.overrides.put("spark.conf." + INITIAL_PARTITIONS, "8");
      config = root.loadConfig();
    }
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    long started = System.nanoTime();
    console.line("adlake quickstart: home %s", config.home());
    console.blank();
    if (!cluster) {
      return run(config, console, started);
    }
    console.line("0. Cluster");
    try (QuickstartCluster onCluster = QuickstartCluster.start(config, console)) {
      root.overrides.putAll(onCluster.settings());
      console.blank();
      return run(root.loadConfig(), console, started);
    }
  }

  private int run(AdlakeConfig config, Console console, long started) throws InterruptedException {
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      console.line("1. Services");
      int earlierRuns = platform.runs().recent(Optional.empty(), 1000).size();
      String kafka = platform.kafkaBootstrapServers();
      console.line("  Kafka ready at %s", kafka);
      if (config.metadata().embedded()) {
        console.line(
            "  PostgreSQL ready: %s (user %s, password in %s)",
            platform.metadata().jdbcUrl(),
            platform.metadata().user(),
            config.postgresPasswordFile());
      } else {
        console.line("  PostgreSQL ready: %s", platform.metadata().jdbcUrl());
      }
      if (earlierRuns > 0) {
        console.line("  This home already holds %d recorded runs: reusing it", earlierRuns);
      }
      console.blank();

      console.line("2. Data");
      GenerateCommand.generate(
          new GeneratorOptions(
              seed,
              LocalDate.of(2026, 11, 1),
              1,
              events,
              config.landing().path(),
              config.expectedDirectory(),
              Runtime.getRuntime().availableProcessors()),
          console);
      BrowsingOptions browsing =
          BrowsingOptions.defaults(
              seed,
              LocalDate.of(2026, 11, 1),
              config.landing().path(),
              config.partnerBucketsDirectory().resolve(BrowsingGenerator.SHARETHIS),
              config.expectedDirectory());
      GenerateCommand.generateBrowsing(
          browsing.withSize(
              browsing.domains(), (int) Math.max(1, pageViews / 30), pageViews, pageViews / 6),
          console);
      console.blank();

      console.line("  streams for the pipeline's enricher:");
      MappingGraph identityGraph = IdentityStep.send(platform, console);
      StreamsStep.Sent sent =
          StreamsStep.produce(platform, console, Duration.ofMinutes(streamMinutes), STREAM_RATE);
      console.blank();

      Pipeline pipeline = platform.pipeline();
      console.line(
          "3. Pipeline: %d jobs in the order their datasets imply, %d at once"
              + " ('adlake pipeline show' draws it)",
          pipeline.order().size(), config.scheduler().parallelism());
      platform.spark();
      PipelineConsole progress =
          new PipelineConsole(console, pipeline.order().size(), false, QuickstartCommand::summary);
      PipelineExecutor.Result result =
          platform
              .pipelineExecutor()
              .run(pipeline, "quickstart", Instant.now(), Map.of(), progress);
      console.line("  loads by status: %s", IngestCommand.byStatus(platform));
      if (!result.ok()) {
        PipelineConsole.reportFailures(result, console);
        console.line(
            "The pipeline did not complete: see the errors above, 'adlake runs' and %s",
            config.logDirectory().resolve("adlake.log"));
        return 1;
      }
      console.blank();

      console.line("4. Event streams: Kafka, the enricher, the archive");
      StreamTruthCheck.Comparison streams =
          StreamsStep.report(
              platform,
              console,
              sent,
              result.succeeded().get(EnricherJob.NAME),
              progress.seconds(EnricherJob.NAME),
              progress.progressOf(ArchiveJob.NAME));
      console.blank();

      console.line("5. Cookie mapping: the identity graph's connected components");
      boolean identityExact =
          IdentityStep.report(
              platform,
              console,
              identityGraph,
              result.succeeded().get(UserIdsMapperJob.NAME),
              progress.seconds(UserIdsMapperJob.NAME),
              result.succeeded().get(MappingPublisherJob.NAME),
              progress.seconds(MappingPublisherJob.NAME));
      console.blank();

      console.line(
          "6. Maintenance plan (dry run: retention by the table catalog, Iceberg upkeep;"
              + " 'adlake maintenance run' applies it)");
      MaintenanceCommand.print(platform, null, console);
      console.blank();

      CleanRoomStep.Outcome cleanRoom = CleanRoomStep.run(platform, console);
      console.blank();

      boolean exact =
          streams.exact() && identityExact && cleanRoom.ok() && cleanRoom.differences().isEmpty();
      Optional<Feed> events =
          config.feeds().stream().filter(feed -> feed.name().equals("adserver-events")).findFirst();
      console.line("Checked against the generator's true answers");
      if (events.isPresent()) {
        HourlyTruthCheck.Comparison comparison =
            HourlyTruthCheck.impressions(
                platform.spark(),
                events.get().table(),
                config.expectedDirectory().resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE));
        exact &= comparison.exact();
        console.line(
            "  impressions per ad and hour: %s of %s equal%s",
            Console.count(comparison.matching()),
            Console.count(comparison.rows()),
            comparison.exact() ? "" : "; first differences: " + comparison.mismatches());
        if (platform.jobs().find(AdMetricsJob.NAME).isPresent()) {
          ServingTruthCheck.Comparison served =
              ServingTruthCheck.compare(
                  platform.metadata().dataSource(),
                  config.expectedDirectory().resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE));
          exact &= served.exact();
          console.line(
              "  serving store, impressions, clicks, conversions, sessions and users per ad and"
                  + " hour: %s of %s equal%s",
              Console.count(served.matching()),
              Console.count(served.rows()),
              served.exact() ? "" : "; first differences: " + served.mismatches());
        }
      }
      Optional<String> xandr = feedTable(config, "xandr-standard-feed");
      Optional<String> partnerCategories = feedTable(config, "domain-categories-partner");
      Optional<String> vendorCategories = feedTable(config, "domain-categories-vendor");
      if (xandr.isPresent() && partnerCategories.isPresent() && vendorCategories.isPresent()) {
        PartnerTruthCheck.Comparison partners =
            PartnerTruthCheck.compare(
                platform.spark(),
                xandr.get(),
                partnerCategories.get(),
                vendorCategories.get(),
                config.expectedDirectory());
        exact &= partners.exact();
        console.line(
            "  Xandr log-level impressions, clicks and cost per advertiser, category labels: %d of"
                + " %d figures equal%s",
            partners.figures().size() - partners.differences().size(),
            partners.figures().size(),
            partners.exact() ? "" : "; differences: " + partners.differences());
      }
      if (platform.jobs().find(PartnerEventsJob.NAME).isPresent()) {
        PartnerTruthCheck.Comparison partnerEvents =
            PartnerTruthCheck.events(
                platform.spark(),
                EventsTables.DEFAULT.events(),
                Map.of(
                    BrowsingGenerator.SHARETHIS,
                    StreamTopics.SHARETHIS,
                    BrowsingGenerator.THIRTYTHREEACROSS,
                    StreamTopics.THIRTYTHREEACROSS),
                config.expectedDirectory());
        exact &= partnerEvents.exact();
        console.line(
            "  partner page views landed, streamed and enriched once each: %d of %d figures"
                + " equal%s",
            partnerEvents.figures().size() - partnerEvents.differences().size(),
            partnerEvents.figures().size(),
            partnerEvents.exact() ? "" : "; differences: " + partnerEvents.differences());
      }
      for (String region : config.classification().regions().keySet()) {
        printCategories(console, platform, new ClassificationTables(region));
      }
      console.line(
          "  clean-room bucketed tables, rows per table of the latest snapshot: %d of %d equal%s",
          cleanRoom.tablesEqual(),
          cleanRoom.tablesChecked(),
          cleanRoom.differences().isEmpty() ? "" : "; differences: " + cleanRoom.differences());
      console.line(
          "  stream events, once each, failed by stage, robots and countries, per source: %d of %d"
              + " figures equal%s",
          streams.figures().size() - streams.differences().size(),
          streams.figures().size(),
          streams.exact() ? "" : "; differences: " + streams.differences());
      console.blank();

      console.line("Tables in the lake (catalog '%s')", LakeConfig.CATALOG_NAME);
      for (TableDefinition table : platform.tables().of(TableStore.LAKE)) {
        if (platform.spark().catalog().tableExists(table.name())) {
          long rows = platform.spark().table(table.name()).count();
          console.line("  %-46s %10s rows", table.name(), Console.count(rows));
        }
      }
      console.blank();

      console.line("Done in %.0f s. Where to look:", (System.nanoTime() - started) / 1e9);
      console.line("  landing zone   %s", config.landing().location());
      console.line("  archive        %s", config.ingest().archiveLocation());
      console.line("  errored files  %s", config.ingest().errorLocation());
      console.line("  true answers   %s", config.expectedDirectory());
      console.line("  warehouse      %s", config.lake().warehouse());
      console.line("  Kafka archive  %s", config.archive().location());
      EncryptionConfig encryption = EncryptionConfig.of(config);
      if (encryption.userTables()) {
        console.line(
            "  encryption     %d user-level tables encrypted at rest, master key %s",
            TableEncryption.userTables(platform.tables()).size(),
            encryption.kmsImplementation().isPresent()
                ? "'%s' in %s".formatted(encryption.keyId(), encryption.kmsImplementation().get())
                : encryption.masterKey().isPresent()
                    ? "from " + EncryptionConfig.MASTER_KEY.name()
                    : "in " + TableEncryption.masterKeyFile(config));
      } else {
        console.line(
            "  encryption     off: --set encryption.user-tables=true encrypts the user-level"
                + " tables (docs/security.md)");
      }
      console.line("  logs           %s", config.logDirectory());
      console.line(
          "  metrics        %s://%s:%d/metrics   (Prometheus, while 'adlake serve' runs)",
          config.server().tls() ? "https" : "http",
          ServeCommand.reachableHost(config.server()),
          config.server().port());
      if (config.server().auth()) {
        JdbcApiTokens.Created token = quickstartToken(platform);
        console.line(
            "  API token      %s   (scope admin, named '%s'; the dashboard's login asks for it;"
                + " 'adlake tokens' makes more)",
            token.secret(), token.token().name());
      } else {
        console.line("  API token      none needed: server.auth is false");
      }
      console.line("  adlake loads       every file loaded, with counts and errors");
      console.line("  adlake runs        the runs just recorded");
      console.line("  adlake monitor     jobs, feeds and freshness at a glance");
      console.line("  adlake pipeline    the jobs in the order their datasets imply");
      console.line("  adlake jobs        what each job reads and writes");
      console.line("  adlake tables      every table: owner, size, rows, retention");
      console.line("  adlake sql \"...\"   Spark SQL on the lake");
      console.line("  adlake lineage     the data flow as a Mermaid flowchart");
      console.line("  adlake serve       the dashboard and HTTP API over the serving store");
      console.line(
          "  adlake produce     more stream events; adlake enrich and adlake archive take them");
      if (!noServe && exact) {
        console.blank();
        ServeCommand.serveUntilStopped(platform, console);
      }
      return exact ? 0 : 1;
    }
  }

  /**
   * A fresh admin token named {@value #TOKEN_NAME}: the one made by an earlier quickstart on this
   * home is revoked, since its secret was shown only then.
   */
  private static JdbcApiTokens.Created quickstartToken(Platform platform) {
    JdbcApiTokens tokens = new JdbcApiTokens(platform.metadata().dataSource());
    String actor = JdbcAudit.consoleUser();
    if (tokens.find(TOKEN_NAME).isPresent()) {
      tokens.revoke(TOKEN_NAME, actor);
    }
    return tokens.create(TOKEN_NAME, Scope.ADMIN, actor);
  }

  /** The table of a configured feed. */
  /** The classification's answer of a region: domains per deciding source, top categories. */
  private static void printCategories(
      Console console, Platform platform, ClassificationTables tables) {
    if (!platform.spark().catalog().tableExists(tables.categories())) {
      return;
    }
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> answer =
        platform.spark().table(tables.categories());
    List<String> bySource = new ArrayList<>();
    long domains = 0;
    for (org.apache.spark.sql.Row row :
        answer.groupBy("source").count().orderBy("source").collectAsList()) {
      bySource.add(row.getString(0) + " " + Console.count(row.getLong(1)));
      domains += row.getLong(1);
    }
    List<String> top = new ArrayList<>();
    for (org.apache.spark.sql.Row row :
        answer
            .groupBy("iab_tier1_name")
            .count()
            .orderBy(org.apache.spark.sql.functions.desc("count"))
            .limit(3)
            .collectAsList()) {
      top.add("%s (%s)".formatted(row.getString(0), Console.count(row.getLong(1))));
    }
    ClassificationTruthCheck.compare(
            platform.spark(), tables.categories(), platform.config().expectedDirectory())
        .lines()
        .forEach(line -> console.line("  " + line));
    console.line(
        "  domain categories (%s): %s domains, decided by %s; top Tier 1: %s",
        tables.region(),
        Console.count(domains),
        bySource.isEmpty() ? "none" : String.join(", ", bySource),
        top.isEmpty() ? "none" : String.join(", ", top));
  }

  private static Optional<String> feedTable(AdlakeConfig config, String feed) {
    return config.feeds().stream()
        .filter(candidate -> candidate.name().equals(feed))
        .map(Feed::table)
        .findFirst();
  }

  /** What a job of the quickstart's pipeline did, after its name. */
  private static String summary(JobDefinition job, JobRunner.Outcome outcome) {
    if (job.name().startsWith("ingest-")) {
      Map<String, Long> figures = outcome.result().figures();
      String text =
          "%s new file(s), %s archived, %s errored; %s rows in, %s written, %s rejected"
              .formatted(
                  figures.get("files_new"),
                  figures.get("files_archived"),
                  figures.get("files_errored"),
                  Console.count(outcome.result().rowsIn()),
                  Console.count(outcome.result().rowsOut()),
                  Console.count(figures.get("rows_rejected")));
      if (figures.get("files_already_loaded") > 0) {
        text +=
            "; %d file(s) left in place: already loaded"
                .formatted(figures.get("files_already_loaded"));
      }
      if (figures.get("files_already_errored") > 0) {
        text +=
            "; %d file(s) left in place: they errored before ('adlake loads --status errored')"
                .formatted(figures.get("files_already_errored"));
      }
      return text;
    }
    return RunCommand.describe(outcome.result());
  }
}
