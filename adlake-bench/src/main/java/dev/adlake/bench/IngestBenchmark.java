package dev.adlake.bench;

import dev.adlake.core.Folders;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.IngestConfig;
import dev.adlake.core.config.LandingConfig;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.generator.truth.HourlyTruthCheck;
import dev.adlake.spark.Platform;
import dev.adlake.spark.ingestion.Ingestion;
import dev.adlake.spark.ingestion.LandingStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * {@code adlake bench ingest}: the same generated ad-server files loaded by {@code adlake ingest}
 * (ledger, rejects, exactly-once commit) and by a plain Spark CSV read and Iceberg write of the
 * same columns (the peer), in one process, alternating which goes first; each run's ingested table
 * checked against the generator's truth.
 */
public final class IngestBenchmark {
  private static final String NS = "bench_ingest";

  /** Sizes of the run. */
  public record Options(long events, int runs, Path work, double bigFileGb) {}

  /** The load of one big file: its size, rows, seconds and the heap it took. */
  public record BigFile(long bytes, long rows, double seconds, long peakOldGen, long maxHeap) {}

  /** One run of each: seconds and rows. */
  public record Run(double oursSeconds, long oursRows, double peerSeconds, long peerRows) {}

  public record Result(
      List<Run> runs, long adServerRows, long bytes, boolean exact, BigFile bigFile) {
    public double oursMedian() {
      return Medians.of(runs.stream().map(run -> run.oursRows() / run.oursSeconds()).toList());
    }

    public double peerMedian() {
      return Medians.of(runs.stream().map(run -> run.peerRows() / run.peerSeconds()).toList());
    }
  }

  private IngestBenchmark() {}

  public static Result run(Platform platform, Options options, Consumer<String> log) {
    SparkSession spark = platform.spark();
    Path day = options.work().resolve("bench-ingest").resolve("day-" + options.events());
    Path generated = day.resolve("landing").resolve(BuiltInFeeds.ADSERVER_EVENTS);
    Path expected = day.resolve("expected").resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE);
    GeneratedDay.ensure(options.events(), GeneratorOptions.DEFAULT_SEED, day, log);
    List<Path> files = files(generated);
    long bytes = files.stream().mapToLong(IngestBenchmark::size).sum();
    log.accept("%d ad-server files, %,d MB, in %s".formatted(files.size(), bytes >> 20, generated));
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + NS);
    Feed builtIn =
        BuiltInFeeds.all(platform.config().ingest().maxRejectRatio()).stream()
            .filter(feed -> feed.prefix().startsWith(BuiltInFeeds.ADSERVER_EVENTS))
            .findFirst()
            .orElseThrow();
    List<Run> runs = new ArrayList<>();
    boolean exact = true;
    long invocation = System.currentTimeMillis() / 1000;
    for (int run = 0; run < options.runs(); run++) {
      double ours = 0;
      double peer = 0;
      long oursRows = 0;
      long peerRows = 0;
      String oursTable = NS + ".ours_" + run;
      String peerTable = NS + ".peer_" + run;
      for (boolean peerTurn : run % 2 == 1 ? List.of(true, false) : List.of(false, true)) {
        if (peerTurn) {
          spark.sql("DROP TABLE IF EXISTS %s PURGE".formatted(peerTable));
          spark.sql(
              ("CREATE TABLE %s (ad_id INT, campaign_id INT, advertiser_id INT, event_time"
                      + " TIMESTAMP, impression_id STRING, ip STRING, user_id STRING, event STRING,"
                      + " url STRING, user_agent STRING) USING iceberg PARTITIONED BY"
                      + " (days(event_time))")
                  .formatted(peerTable));
          long began = System.nanoTime();
          writePeer(spark, generated, peerTable);
          peer = (System.nanoTime() - began) / 1e9;
          peerRows = spark.table(peerTable).count();
        } else {
          spark.sql("DROP TABLE IF EXISTS %s PURGE".formatted(oursTable));
          spark.sql("DROP TABLE IF EXISTS %s__rejects PURGE".formatted(oursTable));
          // The files are linked into a landing zone of the run's own (ingestion moves them).
          Path runHome = options.work().resolve("bench-ingest").resolve("run-" + run);
          Folders.delete(runHome);
          Path landing = runHome.resolve("landing");
          // A prefix of this invocation: the ledger remembers the files of earlier ones.
          String prefix = "run%d-%d/%s".formatted(run, invocation, BuiltInFeeds.ADSERVER_EVENTS);
          link(generated, landing.resolve(prefix));
          Feed feed = feed(builtIn, "bench-ingest-" + run, prefix, oursTable);
          AdlakeConfig config = configFor(platform.config(), runHome, landing, feed);
          long began = System.nanoTime();
          Ingestion.Report report = ingest(platform, config, feed);
          ours = (System.nanoTime() - began) / 1e9;
          oursRows = report.rowsRead();
          if (report.errored() > 0) {
            throw new IllegalStateException(
                report.errored() + " file(s) failed to load in the benchmark; see the ledger");
          }
          HourlyTruthCheck.Comparison truth =
              HourlyTruthCheck.impressions(spark, oursTable, expected);
          exact &= truth.exact() && truth.mismatches().isEmpty();
        }
      }
      Run result = new Run(ours, oursRows, peer, peerRows);
      log.accept(
          "run %d: adlake ingest %,d rows in %.1f s (%,.0f rows/s); plain Spark write %,d rows in"
                  .formatted(run + 1, oursRows, ours, oursRows / ours, peerRows)
              + " %.1f s (%,.0f rows/s)".formatted(peer, peerRows / peer));
      runs.add(result);
    }
    long adServerRows = runs.isEmpty() ? 0 : runs.get(0).oursRows();
    BigFile big =
        options.bigFileGb() > 0
            ? bigFile(platform, options, files, builtIn, invocation, log)
            : null;
    return new Result(runs, adServerRows, bytes, exact, big);
  }

  /** One file of the given size (the day's files over and over) loaded by adlake ingest. */
  private static BigFile bigFile(
      Platform platform,
      Options options,
      List<Path> dayFiles,
      Feed builtIn,
      long invocation,
      Consumer<String> log) {
    SparkSession spark = platform.spark();
    long target = (long) (options.bigFileGb() * (1L << 30));
    Path runHome = options.work().resolve("bench-ingest").resolve("big");
    Folders.delete(runHome);
    String prefix = "big-%d/%s".formatted(invocation, BuiltInFeeds.ADSERVER_EVENTS);
    Path file = runHome.resolve("landing").resolve(prefix).resolve("big.tsv");
    log.accept("writing one file of %.1f GB: %s".formatted(options.bigFileGb(), file));
    long written = 0;
    try {
      Files.createDirectories(file.getParent());
      try (var out = Files.newOutputStream(file)) {
        while (written < target) {
          for (Path day : dayFiles) {
            written += Files.copy(day, out);
            if (written >= target) {
              break;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the big file " + file, e);
    }
    String table = NS + ".big";
    spark.sql("DROP TABLE IF EXISTS %s PURGE".formatted(table));
    spark.sql("DROP TABLE IF EXISTS %s__rejects PURGE".formatted(table));
    Feed feed = feed(builtIn, "bench-ingest-big", prefix, table);
    AdlakeConfig config = configFor(platform.config(), runHome, runHome.resolve("landing"), feed);
    HeapPeak heap = HeapPeak.start();
    long began = System.nanoTime();
    Ingestion.Report report = ingest(platform, config, feed);
    double seconds = (System.nanoTime() - began) / 1e9;
    long oldGen = heap.peakBytes();
    if (report.errored() > 0) {
      throw new IllegalStateException("The big file failed to load; see adlake loads");
    }
    BigFile big = new BigFile(written, report.rowsRead(), seconds, oldGen, HeapPeak.maxBytes());
    Folders.delete(runHome);
    spark.sql("DROP TABLE IF EXISTS %s PURGE".formatted(table));
    spark.sql("DROP TABLE IF EXISTS %s__rejects PURGE".formatted(table));
    return big;
  }

  private static Ingestion.Report ingest(Platform platform, AdlakeConfig config, Feed feed) {
    return new Ingestion(
            platform.spark(),
            config,
            new JdbcLoadLedger(platform.metadata().dataSource()),
            LandingStores.open(config),
            line -> {})
        .run(List.of(feed));
  }

  private static Feed feed(Feed builtIn, String name, String prefix, String table) {
    return new Feed(
        name,
        prefix,
        builtIn.format(),
        builtIn.schema(),
        builtIn.evolution(),
        table,
        builtIn.eventTime(),
        builtIn.mode(),
        builtIn.header(),
        builtIn.key(),
        builtIn.appliesTo(),
        builtIn.maxRejectRatio(),
        builtIn.topic());
  }

  private static void writePeer(SparkSession spark, Path files, String table) {
    try {
      spark
          .read()
          .option("sep", "\t")
          // The dt= folders are not columns: the same columns as the ingested table.
          .option("recursiveFileLookup", "true")
          .schema(
              "ad_id INT, campaign_id INT, advertiser_id INT, event_time TIMESTAMP,"
                  + " impression_id STRING, ip STRING, user_id STRING, event STRING, url STRING,"
                  + " user_agent STRING")
          .csv(files.toString())
          .writeTo(table)
          .append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("The peer's table " + table + " vanished", e);
    }
  }

  private static AdlakeConfig configFor(AdlakeConfig base, Path runHome, Path landing, Feed feed) {
    IngestConfig ingest = base.ingest();
    return base.withIngestion(
        new LandingConfig(landing.toUri()),
        new IngestConfig(
            runHome.resolve("archive").toUri(),
            runHome.resolve("error").toUri(),
            ingest.maxRejectRatio(),
            ingest.pollIntervalSeconds(),
            "listing",
            ingest.notificationsTopic(),
            ingest.sqs(),
            ingest.splitMb(),
            ingest.batchMb(),
            ingest.batchFiles()),
        List.of(feed));
  }

  private static List<Path> files(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Hard links of every file under {@code from} at the same place under {@code to}. */
  private static void link(Path from, Path to) {
    for (Path file : files(from)) {
      Path target = to.resolve(from.relativize(file).toString());
      try {
        Files.createDirectories(target.getParent());
        Files.createLink(target, file);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot link " + file + " into the bench landing zone", e);
      }
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
