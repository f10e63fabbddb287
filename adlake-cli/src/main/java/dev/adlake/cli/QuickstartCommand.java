package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.generate.GeneratedFeeds;
import dev.adlake.core.generate.GeneratorOptions;
import dev.adlake.core.generate.identity.MappingGraph;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.DatasetKind;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobRunner;
import dev.adlake.spark.Platform;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.enrich.StreamTruthCheck;
import dev.adlake.spark.ingest.HourlyTruthCheck;
import dev.adlake.spark.metrics.AdMetricsJob;
import dev.adlake.spark.metrics.ServingTruthCheck;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
      "  adlake --home /tmp/try quickstart"
    })
final class QuickstartCommand implements Callable<Integer> {
  /**
   * Events per second of the generated stream traffic (event time; sent as fast as Kafka takes).
   */
  static final int STREAM_RATE = 500;

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      defaultValue = "200000",
      description = "Impressions in the generated day (default: ${DEFAULT-VALUE})")
  long events;

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

  @Override
  public Integer call() throws InterruptedException {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    long started = System.nanoTime();
    console.line("adlake quickstart: home %s", config.home());
    console.blank();

    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      console.line("1. Services");
      int earlierRuns = platform.runs().recent(Optional.empty(), 1000).size();
      String kafka = platform.kafkaBootstrapServers();
      console.line("  Kafka ready at %s", kafka);
      console.line("  PostgreSQL ready: %s", platform.metadata().jdbcUrl());
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
      console.blank();

      console.line("3. Ingestion: each file once, tracked in the load ledger");
      platform.spark();
      IngestCommand.ingest(platform, config.feeds(), Optional.empty(), console);
      console.line("  loads by status: %s", IngestCommand.byStatus(platform));
      console.blank();

      List<SparkJob> later =
          platform.jobs().all().stream()
              .filter(job -> job.definition().domain() != Domain.INGESTION)
              .filter(job -> !IdentityStep.JOBS.contains(job.definition().name()))
              .toList();
      if (!later.isEmpty()) {
        console.line("4. Pipeline");
        int step = 0;
        for (SparkJob job : later) {
          JobDefinition definition = job.definition();
          step++;
          console.status(
              "  [%d/%d] %s running...".formatted(step, later.size(), definition.name()));
          long jobStarted = System.nanoTime();
          JobRunner.Outcome outcome = platform.run(definition.name(), Map.of());
          console.line(
              "  [%d/%d] %-28s run %-4d %5.1f s  %s",
              step,
              later.size(),
              definition.name(),
              outcome.runId(),
              (System.nanoTime() - jobStarted) / 1e9,
              RunCommand.describe(outcome.result()));
        }
        console.blank();
      }

      console.line("5. Event streams: Kafka, the enricher, the archive");
      MappingGraph identityGraph = IdentityStep.send(platform, console);
      StreamTruthCheck.Comparison streams =
          StreamsStep.run(platform, console, Duration.ofMinutes(streamMinutes), STREAM_RATE);
      console.blank();

      console.line("6. Cookie mapping: the identity graph's connected components");
      boolean identityExact = IdentityStep.run(platform, console, identityGraph);
      console.blank();

      boolean exact = streams.exact() && identityExact;
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
        if (platform.jobs().all().stream()
            .anyMatch(job -> job.definition().name().equals(AdMetricsJob.NAME))) {
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
      console.line(
          "  stream events, once each, failed by stage, robots and countries, per source: %d of %d"
              + " figures equal%s",
          streams.figures().size() - streams.differences().size(),
          streams.figures().size(),
          streams.exact() ? "" : "; differences: " + streams.differences());
      console.blank();

      console.line("Tables in the lake (catalog '%s')", LakeConfig.CATALOG_NAME);
      Set<String> tables = new LinkedHashSet<>();
      for (SparkJob job : platform.jobs().all()) {
        job.definition().writes().stream()
            .filter(dataset -> dataset.kind() == DatasetKind.TABLE)
            .map(Dataset::name)
            .forEach(tables::add);
      }
      for (String table : tables) {
        if (platform.spark().catalog().tableExists(table)) {
          long rows = platform.spark().table(table).count();
          console.line("  %-46s %10s rows", table, Console.count(rows));
        }
      }
      console.blank();

      console.line("Done in %.0f s. Where to look:", (System.nanoTime() - started) / 1e9);
      console.line("  landing zone   %s", config.landing().location());
      console.line("  archive        %s", config.ingest().archivePath());
      console.line("  errored files  %s", config.ingest().errorPath());
      console.line("  true answers   %s", config.expectedDirectory());
      console.line("  warehouse      %s", config.lake().warehouse());
      console.line("  Kafka archive  %s", config.archive().localDirectory());
      console.line("  logs           %s", config.logDirectory());
      console.line("  adlake loads       every file loaded, with counts and errors");
      console.line("  adlake runs        the runs just recorded");
      console.line("  adlake jobs        what each job reads and writes");
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
}
