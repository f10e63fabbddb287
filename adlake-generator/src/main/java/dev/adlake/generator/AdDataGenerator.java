package dev.adlake.generator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.feed.BuiltInFeeds;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes realistic ad data into the landing zone from a fixed seed, and the true answers beside it.
 *
 * <p>Feeds (see {@link GeneratedFeeds}): ad-server events as TSV (impressions and clicks, the
 * fields of the ad-metric design), tracker clicks and conversions as CSV, ad-tracker pixel
 * impressions as JSON lines. Shape: Zipf-distributed ad and site popularity, heavy-tailed user
 * activity, a daily traffic curve, about 1% clicks and 8% conversions per click. Faults: late and
 * duplicated rows, malformed lines, an empty file.
 *
 * <p>The same options give byte-identical files, whatever the number of threads.
 */
public final class AdDataGenerator {
  /** Share of a day's traffic in each hour: low at night, peak in the evening (UTC). */
  private static final double[] DAILY_CURVE = dailyCurve();

  /** Receives progress: hours generated so far out of the total. */
  @FunctionalInterface
  public interface Progress {
    void update(int done, int total);
  }

  private AdDataGenerator() {}

  public static GenerationReport generate(GeneratorOptions options, Progress progress) {
    requireNonNull(options, "options is null");
    requireNonNull(progress, "progress is null");
    long started = System.nanoTime();
    AdUniverse universe = new AdUniverse(options.seed(), options.eventsPerDay());
    int hours = options.days() * 24;
    List<HourGenerator> tasks = new ArrayList<>(hours);
    for (int day = 0; day < options.days(); day++) {
      long[] perHour = split(options.eventsPerDay());
      LocalDateTime midnight = options.startDate().plusDays(day).atStartOfDay();
      for (int h = 0; h < 24; h++) {
        int index = day * 24 + h;
        tasks.add(
            new HourGenerator(
                universe, index, midnight.plusHours(h), (int) perHour[h], options.landing()));
      }
    }

    List<HourGenerator.Result> results = new ArrayList<>(hours);
    ExecutorService pool = Executors.newFixedThreadPool(options.threads());
    try {
      List<Future<HourGenerator.Result>> futures = new ArrayList<>();
      for (HourGenerator task : tasks) {
        futures.add(pool.submit(task));
      }
      for (Future<HourGenerator.Result> future : futures) {
        results.add(future.get());
        progress.update(results.size(), hours);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdlakeException(ErrorCategory.USER_ERROR, "Generation interrupted", e);
    } catch (ExecutionException e) {
      throw new ExternalFailureException(
          "Cannot write generated data under %s: %s"
              .formatted(options.landing(), e.getCause().getMessage()),
          e.getCause());
    } finally {
      pool.shutdownNow();
    }

    try {
      Path empty =
          options
              .landing()
              .resolve(BuiltInFeeds.ADSERVER_EVENTS)
              .resolve("dt=" + options.startDate())
              .resolve("events-" + options.startDate().toString().replace("-", "") + "-empty.tsv");
      Files.write(empty, new byte[0]);
      // A fixed time, as every generated file has, so a second generation is the same object.
      Files.setLastModifiedTime(
          empty,
          java.nio.file.attribute.FileTime.from(
              options.startDate().atStartOfDay().toInstant(java.time.ZoneOffset.UTC)));
      GenerationReport report =
          summarize(results, Duration.ofNanos(System.nanoTime() - started), options.threads());
      writeExpected(options, results, report);
      return report;
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write the expected answers to %s: %s"
              .formatted(options.expected(), e.getMessage()),
          e);
    }
  }

  private static GenerationReport summarize(
      List<HourGenerator.Result> results, Duration elapsed, int threads) {
    long impressions = 0;
    long clicks = 0;
    long conversions = 0;
    long tracker = 0;
    long rows = 0;
    long duplicates = 0;
    long late = 0;
    long malformed = 0;
    int files = 1;
    long bytes = 0;
    for (HourGenerator.Result result : results) {
      impressions += result.impressions();
      clicks += result.clicks();
      conversions += result.conversions();
      tracker += result.trackerEvents();
      rows += result.adServerRows();
      duplicates += result.duplicateRows();
      late += result.lateRows();
      malformed += result.malformedLines();
      files += result.files();
      bytes += result.bytes();
    }
    return new GenerationReport(
        impressions,
        clicks,
        conversions,
        tracker,
        rows,
        duplicates,
        late,
        malformed,
        1,
        files,
        bytes,
        elapsed,
        threads);
  }

  private static void writeExpected(
      GeneratorOptions options, List<HourGenerator.Result> results, GenerationReport report)
      throws IOException {
    Files.createDirectories(options.expected());
    Path hourly = options.expected().resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE);
    try (OutputStream out = Files.newOutputStream(hourly)) {
      out.write(
          (String.join(",", GeneratedFeeds.EXPECTED_HOURLY_COLUMNS) + "\n")
              .getBytes(StandardCharsets.US_ASCII));
      for (HourGenerator.Result result : results) {
        out.write(result.expectedRows());
      }
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("seed", options.seed());
    summary.put("start_date", options.startDate().toString());
    summary.put("days", options.days());
    summary.put("events_per_day", options.eventsPerDay());
    summary.put("impressions", report.impressions());
    summary.put("clicks", report.clicks());
    summary.put("conversions", report.conversions());
    summary.put("tracker_events", report.trackerEvents());
    summary.put("adserver_rows", report.adServerRows());
    summary.put("duplicate_rows", report.duplicateRows());
    summary.put("late_rows", report.lateRows());
    summary.put("malformed_lines", report.malformedLines());
    summary.put("empty_files", report.emptyFiles());
    summary.put("files", report.files());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(
            options.expected().resolve(GeneratedFeeds.EXPECTED_SUMMARY_FILE).toFile(), summary);
  }

  /** Splits a day's events over 24 hours along the curve, summing exactly to the total. */
  static long[] split(long total) {
    long[] perHour = new long[24];
    long assigned = 0;
    double[] remainders = new double[24];
    for (int h = 0; h < 24; h++) {
      double exact = total * DAILY_CURVE[h];
      perHour[h] = (long) Math.floor(exact);
      remainders[h] = exact - perHour[h];
      assigned += perHour[h];
    }
    for (long left = total - assigned; left > 0; left--) {
      int best = 0;
      for (int h = 1; h < 24; h++) {
        if (remainders[h] > remainders[best]) {
          best = h;
        }
      }
      perHour[best]++;
      remainders[best] = -1;
    }
    return perHour;
  }

  private static double[] dailyCurve() {
    double[] curve = new double[24];
    double sum = 0;
    for (int h = 0; h < 24; h++) {
      curve[h] = 1.0 + 0.75 * Math.sin(2 * Math.PI * (h - 10) / 24.0);
      sum += curve[h];
    }
    for (int h = 0; h < 24; h++) {
      curve[h] /= sum;
    }
    return curve;
  }
}
