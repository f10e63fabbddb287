package dev.adlake.spark.ingestion.partner;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LandingStore.StoredObject;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import dev.adlake.core.ledger.LoadLedger;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.CrashPoints;
import dev.adlake.spark.ingestion.LandingStores;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The raw ingester: copies the new page-view objects of ShareThis's own bucket into our landing
 * zone under {@value #LANDING_PREFIX}, each object once, tracked in the load ledger as feed {@value
 * #FEED} (the same object, by key, size and modified time, is copied once).
 *
 * <p>A copy is written whole or not at all ({@link LandingStore#put}). A run killed mid-copy leaves
 * its load ingesting; the next run puts it back to ready and copies it again, unless the landing
 * zone already holds the object whole (killed after the copy, before the ledger knew), in which
 * case it records the copy without making it again, so the landed file keeps its first modified
 * time and is never seen as a new file. The partner's objects are never changed or deleted: the
 * landed copy, whose key the ledger records as the stored key, is our raw copy.
 */
public final class RawCopyJob implements SparkJob {
  public static final String NAME = "raw-ingest-sharethis";

  /** The ledger's feed of the copies. */
  public static final String FEED = "raw-sharethis";

  /** The prefix of page-view objects in the partner's bucket. */
  public static final String SOURCE_PREFIX = "pageviews/";

  /** Where the copies land: the bucket's keys under this prefix. */
  public static final String LANDING_PREFIX = "sharethis/";

  /** Crash points of the tests: halfway through a copy, and after it landed. */
  static final String MID_COPY = "raw-copy-mid-file";

  static final String AFTER_LANDING = "raw-copy-after-landing";

  private final JobDefinition definition;

  public RawCopyJob(URI bucket) {
    this.definition =
        new JobDefinition(
            NAME,
            Domain.INGESTION,
            JobKind.BATCH,
            "Raw ingester: copies ShareThis's new page-view files from its bucket into the landing"
                + " zone, each once, tracked in the load ledger",
            List.of(Dataset.external("sharethis bucket " + bucket)),
            List.of(Dataset.files(LANDING_PREFIX + SOURCE_PREFIX)),
            List.of());
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    AdlakeConfig config = context.config();
    LandingStore bucket = LandingStores.open(config.partners().sharethisBucket(), config.lake());
    LandingStore landing = LandingStores.open(config);
    try {
      Report report =
          copy(
              new JdbcLoadLedger(context.metadata().dataSource()),
              bucket,
              landing,
              context.progress());
      Map<String, Long> figures = new LinkedHashMap<>();
      figures.put("files_copied", (long) report.copied());
      figures.put("files_recovered", (long) report.recovered());
      figures.put("files_failed", (long) report.failed());
      figures.put("bytes_copied", report.bytes());
      return new JobResult(report.copied(), report.copied(), figures);
    } finally {
      LandingStores.close(bucket);
      LandingStores.close(landing);
    }
  }

  /** What a run did. */
  public record Report(int copied, int recovered, int failed, long bytes) {}

  /** Recovers what a dead run left, discovers the bucket's new objects and copies them. */
  public static Report copy(
      LoadLedger ledger, LandingStore bucket, LandingStore landing, Consumer<String> progress) {
    int recovered = 0;
    for (Load load : ledger.abandoned()) {
      if (!load.feed().equals(FEED)) {
        continue;
      }
      switch (load.status()) {
        case INGESTING -> ledger.transition(load.id(), LoadStatus.INGESTING, LoadStatus.READY);
        case ARCHIVING ->
            ledger.transition(load.id(), LoadStatus.ARCHIVING, LoadStatus.READY_FOR_ARCHIVING);
        case ERRORING ->
            ledger.transition(load.id(), LoadStatus.ERRORING, LoadStatus.READY_FOR_ERRORING);
        default -> {}
      }
      recovered++;
      progress.accept(
          "recovered copy %d (%s) left by a dead run".formatted(load.id(), load.objectKey()));
    }
    for (StoredObject object : bucket.list()) {
      if (object.key().startsWith(SOURCE_PREFIX)) {
        ledger.discover(FEED, object.key(), object.size(), object.modifiedAt());
      }
    }
    // Copies recorded but not yet marked stored: a run died between the two.
    for (LoadStatus status :
        List.of(LoadStatus.READY_FOR_ARCHIVING, LoadStatus.READY_FOR_ERRORING)) {
      for (Load load :
          ledger.list(Optional.of(status), Optional.of(FEED), Optional.empty(), 100_000)) {
        finish(ledger, load);
      }
    }
    int copied = 0;
    int failed = 0;
    long bytes = 0;
    for (Optional<Load> next = ledger.claim(List.of(FEED));
        next.isPresent();
        next = ledger.claim(List.of(FEED))) {
      Load load = next.get();
      String target = LANDING_PREFIX + load.objectKey();
      try {
        Optional<String> note = Optional.empty();
        String checksum;
        Optional<StoredObject> landed = landing.stat(target);
        if (landed.isPresent() && landed.get().size() == load.size()) {
          checksum = checksum(landing, target);
          note = Optional.of("already in the landing zone whole: a run died before recording it");
        } else {
          MessageDigest digest = sha256();
          try (InputStream in =
              new DigestInputStream(
                  new HaltHalfway(bucket.open(load.objectKey()), load.size()), digest)) {
            landing.put(target, in, load.size());
          }
          checksum = HexFormat.of().formatHex(digest.digest());
          bytes += load.size();
        }
        CrashPoints.crashIf(AFTER_LANDING);
        finish(ledger, ledger.committed(load.id(), checksum, new LoadCounts(0, 0, 0, null), note));
        copied++;
        progress.accept("copied %s to %s".formatted(load.objectKey(), target));
      } catch (IOException | RuntimeException e) {
        failed++;
        String error =
            "Cannot copy %s to %s: %s".formatted(load.objectKey(), target, e.getMessage());
        progress.accept(error);
        finish(ledger, ledger.failed(load.id(), Optional.empty(), Optional.empty(), error));
      }
    }
    return new Report(copied, recovered, failed, bytes);
  }

  /** Records where a copied (or failed) object is: the landed copy, or left in the bucket. */
  private static void finish(LoadLedger ledger, Load load) {
    if (load.status() == LoadStatus.READY_FOR_ARCHIVING) {
      ledger.transition(load.id(), LoadStatus.READY_FOR_ARCHIVING, LoadStatus.ARCHIVING);
      ledger.stored(
          load.id(), LoadStatus.ARCHIVING, LoadStatus.ARCHIVED, LANDING_PREFIX + load.objectKey());
    } else if (load.status() == LoadStatus.READY_FOR_ERRORING) {
      ledger.transition(load.id(), LoadStatus.READY_FOR_ERRORING, LoadStatus.ERRORING);
      // The partner's object stays where it is, untouched: retried by 'adlake loads retry'.
      ledger.stored(load.id(), LoadStatus.ERRORING, LoadStatus.ERRORED, load.objectKey());
    }
  }

  private static String checksum(LandingStore store, String key) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(store.open(key), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For the tests' crash point: halts the process once half the object has been read. */
  private static final class HaltHalfway extends FilterInputStream {
    private final long half;
    private long read;

    HaltHalfway(InputStream in, long size) {
      super(in);
      this.half = size / 2;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      read += n;
      if (read >= half && half > 0) {
        CrashPoints.crashIf(MID_COPY);
      }
    }
  }
}
