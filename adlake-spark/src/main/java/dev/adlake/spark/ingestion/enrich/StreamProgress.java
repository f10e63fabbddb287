package dev.adlake.spark.ingestion.enrich;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Adds up the enricher's batch reports and writes a line for each batch that wrote rows. */
final class StreamProgress implements Consumer<EnricherStream.BatchReport> {
  private final Consumer<String> progress;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong mappings = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  StreamProgress(Consumer<String> progress) {
    this.progress = progress;
  }

  long batches() {
    return batches.get();
  }

  long events() {
    return events.get();
  }

  long mappings() {
    return mappings.get();
  }

  long failed() {
    return failed.get();
  }

  @Override
  public void accept(EnricherStream.BatchReport report) {
    if (report.events() == 0 && report.mappings() == 0 && report.failed() == 0) {
      return;
    }
    batches.incrementAndGet();
    long total = events.addAndGet(report.events());
    mappings.addAndGet(report.mappings());
    failed.addAndGet(report.failed());
    String mappingPart =
        report.mappings() == 0 ? "" : ", %,d mappings".formatted(report.mappings());
    progress.accept(
        "batch %d: %,d events%s and %,d failed records in %.1f s (%,d events in all)"
            .formatted(
                report.batchId(),
                report.events(),
                mappingPart,
                report.failed(),
                report.seconds(),
                total));
  }
}
