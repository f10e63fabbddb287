package dev.adlake.generator;

import java.time.Duration;

/**
 * What a generation wrote: events per feed, the faults injected on purpose, files, bytes and time.
 *
 * @param impressions impression events, each with a unique impression id
 * @param clicks click events
 * @param adServerRows rows of the ad-server TSV feed (impressions, clicks, duplicates, malformed)
 * @param duplicateRows event rows written a second time in a later file
 * @param lateRows event rows delivered in a file two hours after their hour
 * @param malformedLines lines that break the feed's format, across all feeds
 */
public record GenerationReport(
    long impressions,
    long clicks,
    long conversions,
    long trackerEvents,
    long adServerRows,
    long duplicateRows,
    long lateRows,
    long malformedLines,
    int emptyFiles,
    int files,
    long bytes,
    Duration elapsed,
    int threads) {

  /** Ad-server TSV rows per second on each thread: the generator's speed figure. */
  public double rowsPerSecondPerThread() {
    double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
    return adServerRows / seconds / threads;
  }
}
