package dev.adlake.spark.enrich;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/** Counts the batches and records of streaming queries and reports a line per batch with data. */
final class StreamProgress extends StreamingQueryListener {
  private final Consumer<String> progress;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong records = new AtomicLong();

  StreamProgress(Consumer<String> progress) {
    this.progress = progress;
  }

  long batches() {
    return batches.get();
  }

  long records() {
    return records.get();
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress batch = event.progress();
    if (batch.numInputRows() == 0) {
      return;
    }
    batches.incrementAndGet();
    long total = records.addAndGet(batch.numInputRows());
    progress.accept(
        "batch %d: %,d records in %.1f s (%,.0f/s), %,d in all"
            .formatted(
                batch.batchId(),
                batch.numInputRows(),
                batch.batchDuration() / 1000.0,
                batch.processedRowsPerSecond(),
                total));
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
