package dev.adlake.spark.ingestion;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LoadMode;
import dev.adlake.core.feed.NotificationSource;
import dev.adlake.core.feed.ObjectCreated;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import dev.adlake.core.ledger.LoadLedger;
import dev.adlake.core.ledger.LoadStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracked file ingestion: discovers objects in the landing zone, records each in the load ledger,
 * loads each once into its feed's table, then moves it to the archive (or, failed, to the error
 * folder). Never deletes a file.
 *
 * <p>Exactly once: a load's Iceberg commit carries its id. A process that dies after the commit and
 * before the ledger knows leaves the load "ingesting"; the next run finds the commit and completes
 * the load instead of writing it again.
 */
public final class Ingestion {
  private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);

  /** For tests of crash recovery: halt the process at this point (after-commit, after-move). */
  static final String CRASH_POINT_PROPERTY = "adlake.test.crash-point";

  /** What one pass did. */
  public record Report(
      int discovered,
      int alreadyLoaded,
      int alreadyErrored,
      List<String> unmatched,
      int recovered,
      int archived,
      int errored,
      long rowsRead,
      long rowsWritten,
      long rowsRejected) {}

  private final SparkSession spark;
  private final AdlakeConfig config;
  private final LoadLedger ledger;
  private final LandingStore landing;
  private final Consumer<String> progress;
  private Optional<java.time.LocalDate> snapshotDate = Optional.empty();
  private NotificationSource notifications;

  /** Finds new objects from these notifications instead of listing the landing zone. */
  public Ingestion withNotifications(NotificationSource notifications) {
    this.notifications = notifications;
    return this;
  }

  /** Loads this snapshot_dt of dated-snapshot feeds instead of the latest. */
  public Ingestion forcingSnapshotDate(Optional<java.time.LocalDate> date) {
    this.snapshotDate = date;
    return this;
  }

  public Ingestion(
      SparkSession spark,
      AdlakeConfig config,
      LoadLedger ledger,
      LandingStore landing,
      Consumer<String> progress) {
    this.spark = requireNonNull(spark, "spark is null");
    this.config = requireNonNull(config, "config is null");
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.landing = requireNonNull(landing, "landing is null");
    this.progress = requireNonNull(progress, "progress is null");
  }

  /** Recovers abandoned loads, discovers new objects and loads every ready one of the feeds. */
  public Report run(List<Feed> feeds) {
    int recovered = recover();
    int[] discovery = new int[3];
    List<String> unmatched = discover(feeds, discovery);
    long[] rows = new long[3];
    int[] outcomes = new int[2];
    for (Feed feed : feeds) {
      if (feed.mode() == LoadMode.APPEND && !batches(feed)) {
        loadReady(feed, rows, outcomes);
        continue;
      }
      // Snapshots and change records are loaded one file at a time, in order; batches of an
      // append feed by one process at a time (they publish by fast-forwarding the table).
      Optional<LoadLedger.FeedLock> lock = ledger.tryLock(feed.name());
      if (lock.isEmpty()) {
        progress.accept(
            "feed %s is being loaded by another process; skipped".formatted(feed.name()));
        continue;
      }
      try (LoadLedger.FeedLock held = lock.get()) {
        if (batches(feed)) {
          loadBatches(feed, rows, outcomes);
        } else {
          loadReady(feed, rows, outcomes);
        }
      }
    }
    int archived = outcomes[0];
    int errored = outcomes[1];
    return new Report(
        discovery[0],
        discovery[1],
        discovery[2],
        unmatched,
        recovered,
        archived,
        errored,
        rows[0],
        rows[1],
        rows[2]);
  }

  private void loadReady(Feed feed, long[] rows, int[] outcomes) {
    Optional<Load> claimed;
    while ((claimed = ledger.claim(List.of(feed.name()))).isPresent()) {
      count(ingest(feed, claimed.get()), rows, outcomes);
    }
  }

  private void count(Load done, long[] rows, int[] outcomes) {
    if (done.status() == LoadStatus.ARCHIVED) {
      outcomes[0]++;
    } else if (done.status() == LoadStatus.ERRORED) {
      outcomes[1]++;
    }
    rows[0] += done.rowsRead().orElse(0L);
    rows[1] += done.rowsWritten().orElse(0L);
    rows[2] += done.rowsRejected().orElse(0L);
    progress.accept(describe(done));
  }

  /**
   * Loads the ready files of a feed parsed in Spark tasks: an append feed's in batches (up to
   * ingest.batch-mb and ingest.batch-files each), each published in one commit; a snapshot's or
   * change records' one at a time, in order.
   */
  private void loadBatches(Feed feed, long[] rows, int[] outcomes) {
    long limit = config.ingest().batchMb() * 1024L * 1024;
    int maxFiles = feed.mode() == LoadMode.APPEND ? config.ingest().batchFiles() : 1;
    Optional<Load> carried = Optional.empty();
    while (true) {
      List<Load> batch = new ArrayList<>();
      java.util.Set<String> keys = new java.util.HashSet<>();
      long bytes = 0;
      carried.ifPresent(batch::add);
      carried.ifPresent(load -> keys.add(load.objectKey()));
      carried = Optional.empty();
      while (batch.size() < maxFiles && bytes < limit) {
        Optional<Load> claimed = ledger.claim(List.of(feed.name()));
        if (claimed.isEmpty()) {
          break;
        }
        if (!keys.add(claimed.get().objectKey())) {
          // A newer version of a file in this batch: it replaces that one in the next batch.
          carried = claimed;
          break;
        }
        batch.add(claimed.get());
        bytes += claimed.get().size();
      }
      if (batch.isEmpty()) {
        return;
      }
      java.util.Set<String> replaced = new java.util.LinkedHashSet<>();
      for (Load load : batch) {
        if (feed.mode() == LoadMode.APPEND
            && !ledger.committedVersions(feed.name(), load.objectKey(), load.id()).isEmpty()) {
          replaced.add(load.objectKey());
        }
      }
      java.util.Map<Long, FileLoader.Outcome> loaded;
      try {
        loaded =
            feed.mode() == LoadMode.APPEND
                ? new BatchLoader(spark, config, landing, progress)
                    .load(feed, batch, replaced, BatchLoader.Publication.APPEND)
                : java.util.Map.of(batch.get(0).id(), loadInTasks(feed, batch.get(0)));
      } catch (CommitFailedException | org.apache.iceberg.exceptions.ValidationException e) {
        // Another writer moved the table on (a compaction, say): the batch goes back to ready.
        LOG.warn(
            "The batch of {} file(s) of feed {} conflicted: {}",
            batch.size(),
            feed.name(),
            e.getMessage());
        progress.accept(
            "feed %s: another writer committed to %s meanwhile; %d file(s) back to ready"
                .formatted(feed.name(), feed.table(), batch.size()));
        for (Load load : batch) {
          ledger.transition(load.id(), LoadStatus.INGESTING, LoadStatus.READY);
        }
        carried.ifPresent(
            load -> ledger.transition(load.id(), LoadStatus.INGESTING, LoadStatus.READY));
        return;
      }
      if (loaded.values().stream().anyMatch(outcome -> outcome.counts().snapshotId() != null)) {
        crashIf("after-commit");
      }
      for (Load load : batch) {
        count(finish(feed, load, loaded.get(load.id())), rows, outcomes);
      }
    }
  }

  /**
   * Loads a file of a snapshot or of change records, parsed in Spark tasks: a snapshot's first file
   * replaces the table and the next ones add to it; change records go to their own table, then are
   * merged into the table they apply to, whose commit marks the load as done.
   */
  private FileLoader.Outcome loadInTasks(Feed feed, Load load) {
    try {
      Optional<Feed> target = feed.appliesTo().map(config::feed);
      Optional<FileLoader.Generation> generation = Optional.empty();
      BatchLoader.Publication publication;
      if (target.isPresent()) {
        FileLoader.ensureTarget(spark, target.get(), load.objectKey());
        publication =
            new BatchLoader.Publication(BatchLoader.Write.REPLACE_LOADS, java.util.Map.of());
      } else {
        FeedTables.ensure(spark, feed, feed.schema().orElseThrow());
        generation = Optional.of(FileLoader.Generation.of(spark, feed, load));
        publication =
            new BatchLoader.Publication(
                generation.get().starts()
                    ? BatchLoader.Write.REPLACE_ALL
                    : BatchLoader.Write.APPEND,
                java.util.Map.of(FileLoader.GENERATION_PROPERTY, generation.get().id()));
      }
      FileLoader.Outcome outcome =
          new BatchLoader(spark, config, landing, progress)
              .load(feed, List.of(load), java.util.Set.of(), publication)
              .get(load.id());
      if (outcome.error().isPresent() || outcome.counts().snapshotId() == null) {
        return outcome;
      }
      if (generation.isPresent()) {
        generation.get().recordWithTable(spark, feed);
        return outcome.withMessage(generation.get().message());
      }
      return merge(feed, target.get(), load, outcome);
    } catch (AdlakeException e) {
      return FileLoader.failure("", e.getMessage());
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(
          "A table vanished while loading %s".formatted(load.objectKey()), e);
    }
  }

  /** Merges a loaded file of change records into their target, whose commit marks the load. */
  private FileLoader.Outcome merge(Feed feed, Feed target, Load load, FileLoader.Outcome outcome)
      throws org.apache.spark.sql.catalyst.analysis.NoSuchTableException {
    LoadCounts counts = outcome.counts();
    java.util.Map<String, String> summary = new java.util.LinkedHashMap<>();
    summary.put(FeedTables.LOAD_PROPERTY, String.valueOf(load.id()));
    summary.put("adlake.rows-read", String.valueOf(counts.rowsRead()));
    summary.put("adlake.rows-written", String.valueOf(counts.rowsWritten()));
    summary.put("adlake.rows-rejected", String.valueOf(counts.rowsRejected()));
    FileLoader.merge(
        spark,
        feed,
        target,
        spark.table(feed.table()).where(col(FeedTables.LOAD_ID).equalTo(load.id())),
        load.id(),
        summary);
    long snapshotId =
        IcebergCommits.snapshotOf(spark, target.table(), load.id())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The merge of load " + load.id() + " is not in " + target.table()));
    return new FileLoader.Outcome(
        outcome.checksum(),
        new LoadCounts(counts.rowsRead(), counts.rowsWritten(), counts.rowsRejected(), snapshotId),
        Optional.of("applied to " + target.table()),
        Optional.empty());
  }

  /**
   * Lists the landing zone and records new objects of the feeds; counts new, already loaded and
   * already errored objects; returns the keys under no feed.
   */
  private List<String> discover(List<Feed> feeds, int[] counts) {
    List<String> unmatched = new ArrayList<>();
    List<LandingStore.StoredObject> objects =
        notifications == null ? landing.list() : notifiedObjects();
    java.util.Map<String, String> chosenDates = new java.util.HashMap<>();
    for (Feed feed : feeds) {
      if (feed.mode() == LoadMode.DATED_SNAPSHOT) {
        chosenDates.put(feed.name(), chooseSnapshotDate(feed, objects));
      }
    }
    for (LandingStore.StoredObject object : objects) {
      Optional<Feed> feed =
          config.feeds().stream().filter(candidate -> candidate.owns(object.key())).findFirst();
      if (feed.isEmpty()) {
        unmatched.add(object.key());
        continue;
      }
      if (!feeds.contains(feed.get())) {
        continue;
      }
      String chosen = chosenDates.get(feed.get().name());
      if (chosen != null
          && !FileLoader.snapshotDate(object.key()).map(chosen::equals).orElse(false)) {
        continue;
      }
      LoadLedger.Discovery discovery =
          ledger.discover(feed.get().name(), object.key(), object.size(), object.modifiedAt());
      if (discovery.isNew()) {
        counts[0]++;
      } else if (discovery.load().status() == LoadStatus.ERRORED) {
        counts[2]++;
      } else if (discovery.load().status() == LoadStatus.ARCHIVED) {
        counts[1]++;
      }
    }
    if (notifications != null) {
      // Recorded in the ledger: the notifications are done with.
      notifications.acknowledge();
    }
    if (!unmatched.isEmpty()) {
      LOG.info(
          "{} file(s) under no feed's prefix were left as they are: {}",
          unmatched.size(),
          unmatched);
    }
    return unmatched;
  }

  /**
   * The objects named by the notifications waiting now, as the landing zone shows them; objects no
   * longer there (already moved) are skipped.
   */
  private List<LandingStore.StoredObject> notifiedObjects() {
    List<LandingStore.StoredObject> objects = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<NotificationSource.Message> messages;
    java.time.Duration wait = java.time.Duration.ofSeconds(2);
    while (!(messages = notifications.poll(wait)).isEmpty()) {
      wait = java.time.Duration.ofMillis(200);
      for (NotificationSource.Message message : messages) {
        if (message.unreadable() != null) {
          LOG.warn("Skipped an unreadable notification: {}", message.unreadable());
          progress.accept("skipped an unreadable notification: " + message.unreadable());
          continue;
        }
        for (ObjectCreated created : message.objects()) {
          if (seen.add(created.key())) {
            landing.stat(created.key()).ifPresent(objects::add);
          }
        }
      }
    }
    return objects;
  }

  /**
   * The snapshot_dt a dated-snapshot feed loads: the one asked for, else the latest in the landing
   * zone unless an equal or later one is loaded already (older folders stay there for reprocessing
   * on request). Empty text when none is to be loaded.
   */
  private String chooseSnapshotDate(Feed feed, List<LandingStore.StoredObject> objects) {
    if (snapshotDate.isPresent()) {
      progress.accept(
          "feed %s: snapshot_dt=%s (as asked)".formatted(feed.name(), snapshotDate.get()));
      return snapshotDate.get().toString();
    }
    Optional<String> landed =
        objects.stream()
            .filter(object -> feed.owns(object.key()))
            .map(object -> FileLoader.snapshotDate(object.key()))
            .flatMap(Optional::stream)
            .max(String::compareTo);
    Optional<String> loaded =
        ledger.list(Optional.empty(), Optional.of(feed.name()), Optional.empty(), 100_000).stream()
            .filter(
                load -> load.status() != LoadStatus.ERRORED && load.status() != LoadStatus.READY)
            .map(load -> FileLoader.snapshotDate(load.objectKey()))
            .flatMap(Optional::stream)
            .max(String::compareTo);
    if (landed.isEmpty()) {
      return "";
    }
    if (loaded.isPresent() && landed.get().compareTo(loaded.get()) < 0) {
      progress.accept(
          "feed %s: snapshot_dt=%s is loaded; the older snapshot_dt=%s in the landing zone is left"
                  .formatted(feed.name(), loaded.get(), landed.get())
              + " alone (load it with --snapshot-date)");
      return "";
    }
    progress.accept("feed %s: snapshot_dt=%s (the latest)".formatted(feed.name(), landed.get()));
    return landed.get();
  }

  /** Loads a claimed file and moves it away; returns the load as it ends. */
  private Load ingest(Feed feed, Load load) {
    boolean replaces =
        feed.mode() == LoadMode.APPEND
            && !ledger.committedVersions(feed.name(), load.objectKey(), load.id()).isEmpty();
    Optional<Feed> appliesTo = feed.appliesTo().map(config::feed);
    FileLoader.Outcome outcome;
    try {
      outcome = new FileLoader(spark, landing).load(feed, load, replaces, appliesTo);
    } catch (CommitFailedException e) {
      // Another process committed to the table at the same moment too often: try again later.
      LOG.warn(
          "Commit of load {} conflicted; it goes back to ready: {}", load.id(), e.getMessage());
      return ledger.transition(load.id(), LoadStatus.INGESTING, LoadStatus.READY);
    } catch (IOException | AdlakeException e) {
      LOG.warn("Load {} of {} failed", load.id(), load.objectKey(), e);
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      outcome =
          new FileLoader.Outcome(
              "",
              new LoadCounts(0, 0, 0, null),
              Optional.empty(),
              Optional.of("Cannot load %s: %s".formatted(load.objectKey(), reason)));
    }
    if (outcome.counts().snapshotId() != null) {
      crashIf("after-commit");
    }
    return finish(feed, load, outcome);
  }

  /** Records a load's outcome in the ledger and moves its file away. */
  private Load finish(Feed feed, Load load, FileLoader.Outcome outcome) {
    if (outcome.error().isPresent()) {
      Load failed =
          ledger.failed(
              load.id(),
              Optional.of(outcome.checksum()).filter(text -> !text.isEmpty()),
              Optional.of(outcome.counts()),
              outcome.error().get());
      return moveAway(failed);
    }
    recordGeneration(feed, load);
    Load committed =
        ledger.committed(load.id(), outcome.checksum(), outcome.counts(), outcome.message());
    return moveAway(committed);
  }

  /** Moves a committed file to the archive, a failed one to the error folder. */
  private Load moveAway(Load load) {
    boolean archive = load.status() == LoadStatus.READY_FOR_ARCHIVING;
    LoadStatus working = archive ? LoadStatus.ARCHIVING : LoadStatus.ERRORING;
    LoadStatus done = archive ? LoadStatus.ARCHIVED : LoadStatus.ERRORED;
    java.net.URI root =
        archive ? config.ingest().archiveLocation() : config.ingest().errorLocation();
    Load moving = ledger.transition(load.id(), load.status(), working);
    String suffix = ".load-" + moving.id();
    String stored;
    if (landing.exists(moving.objectKey())) {
      stored = landing.moveTo(moving.objectKey(), root, suffix);
      crashIf("after-move");
    } else {
      // Moved by an earlier attempt that died before recording it.
      stored = landing.movedLocation(moving.objectKey(), root, suffix);
    }
    return ledger.stored(moving.id(), working, done, stored);
  }

  /**
   * Completes or resets the loads that processes of this host left behind when they died: a load
   * whose commit is in the lake is completed, one without goes back to ready.
   */
  private int recover() {
    int recovered = 0;
    for (Load load : ledger.abandoned()) {
      if (config.feeds().stream().noneMatch(feed -> feed.name().equals(load.feed()))) {
        // Another configuration's feed: its own processes know where its files and table are.
        LOG.info(
            "Load {} of feed {} was abandoned; left to a process that has that feed",
            load.id(),
            load.feed());
        continue;
      }
      Load next;
      switch (load.status()) {
        case INGESTING -> {
          Feed feed = config.feed(load.feed());
          removeBatchBranch(feed, load);
          Optional<IcebergCommits.Commit> commit =
              IcebergCommits.find(spark, markerTable(feed), load.id());
          if (commit.isPresent()) {
            IcebergCommits.Commit found = commit.get();
            recordGeneration(feed, load);
            next =
                ledger.committed(
                    load.id(),
                    load.checksum().orElse(""),
                    new LoadCounts(
                        found.rowsRead(),
                        found.rowsWritten(),
                        found.rowsRejected(),
                        found.snapshotId()),
                    Optional.of(
                        "completed after its process died; its commit was already in the lake"));
            next = moveAway(next);
          } else {
            next = ledger.transition(load.id(), LoadStatus.INGESTING, LoadStatus.READY);
          }
        }
        case ARCHIVING ->
            next =
                moveAway(
                    ledger.transition(
                        load.id(), LoadStatus.ARCHIVING, LoadStatus.READY_FOR_ARCHIVING));
        case ERRORING ->
            next =
                moveAway(
                    ledger.transition(
                        load.id(), LoadStatus.ERRORING, LoadStatus.READY_FOR_ERRORING));
        case READY_FOR_ARCHIVING, READY_FOR_ERRORING -> next = moveAway(load);
        default -> {
          continue;
        }
      }
      recovered++;
      progress.accept(
          "recovered load %d (%s): now %s"
              .formatted(load.id(), load.objectKey(), next.status().sql()));
    }
    return recovered;
  }

  private Boolean tasksReadLanding;

  /**
   * True when the feed's files go in batches parsed by Spark tasks: the feed is one the batch
   * loader handles and Spark's tasks can read the landing zone (a Hadoop file system for its scheme
   * is on the classpath; without one, files are parsed one by one on this process).
   */
  private boolean batches(Feed feed) {
    if (!BatchLoader.handles(feed)) {
      return false;
    }
    if (tasksReadLanding == null) {
      String scheme = landing.uri("probe").getScheme();
      try {
        org.apache.hadoop.fs.FileSystem.getFileSystemClass(
            scheme, spark.sparkContext().hadoopConfiguration());
        tasksReadLanding = true;
      } catch (IOException | RuntimeException e) {
        LOG.info(
            "Spark tasks cannot read {}:// ({}); files are parsed one by one on this process",
            scheme,
            e.getMessage());
        tasksReadLanding = false;
      }
    }
    return tasksReadLanding;
  }

  /** Removes the branch a batch that this load began was staged on, left by a dead process. */
  private void removeBatchBranch(Feed feed, Load load) {
    if (!batches(feed) || !spark.catalog().tableExists(feed.table())) {
      return;
    }
    org.apache.iceberg.Table table = dev.adlake.spark.LakeTables.load(spark, feed.table());
    String branch = BatchLoader.branchName(load.id());
    if (table.refs().containsKey(branch)) {
      table.manageSnapshots().removeBranch(branch).commit();
      LOG.info("Removed the branch {} of {} an interrupted batch left", branch, feed.table());
    }
  }

  /** The table whose commit marks a load of the feed as done. */
  private String markerTable(Feed feed) {
    return feed.appliesTo().map(target -> config.feed(target).table()).orElse(feed.table());
  }

  /** For full snapshots: records the generation the load's commit belongs to. */
  private void recordGeneration(Feed feed, Load load) {
    if (feed.mode() != LoadMode.FULL_SNAPSHOT) {
      return;
    }
    IcebergCommits.find(spark, feed.table(), load.id())
        .map(IcebergCommits.Commit::generation)
        .filter(generation -> generation != null)
        .ifPresent(
            generation ->
                ledger.recordSnapshot(
                    feed.table(),
                    java.time.Instant.parse(generation),
                    load.objectKey(),
                    load.id()));
  }

  private static void crashIf(String point) {
    if (point.equals(System.getProperty(CRASH_POINT_PROPERTY))) {
      LOG.error("Halting at crash point {} as asked by {}", point, CRASH_POINT_PROPERTY);
      Runtime.getRuntime().halt(137);
    }
  }

  static String describe(Load load) {
    String counts =
        "%s read, %s written, %s rejected"
            .formatted(
                load.rowsRead().orElse(0L),
                load.rowsWritten().orElse(0L),
                load.rowsRejected().orElse(0L));
    return "load %d %s: %s (%s)%s"
        .formatted(
            load.id(),
            load.objectKey(),
            load.status().sql(),
            counts,
            load.error().or(load::message).map(text -> " " + text).orElse(""));
  }
}
