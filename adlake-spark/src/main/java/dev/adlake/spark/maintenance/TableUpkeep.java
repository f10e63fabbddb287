package dev.adlake.spark.maintenance;

import dev.adlake.core.config.MaintenanceConfig;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.spark.LakeTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.actions.RewriteManifests;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;

/**
 * The upkeep of one Iceberg table, with Iceberg's own Spark actions, in the order that leaves the
 * least behind: compaction of small files to the target size (the enricher's micro-batches write
 * many), a rewrite of the manifests, the expiry of snapshots beyond the last {@code keep-last} and
 * older than {@code keep-for} (so time travel and running readers keep working), and the removal of
 * files no snapshot references that are older than {@code orphans.min-age} (a writer may not have
 * committed a younger one). Each step is one commit, or deletes only unreferenced files, so a crash
 * leaves a readable table; files a crash leaves behind are the next run's orphans.
 */
final class TableUpkeep {
  static final String COMPACT = "compact";
  static final String REWRITE_MANIFESTS = "rewrite-manifests";
  static final String EXPIRE_SNAPSHOTS = "expire-snapshots";
  static final String REMOVE_ORPHANS = "remove-orphans";

  /** The steps, in the order they run. */
  static final List<String> STEPS =
      List.of(COMPACT, REWRITE_MANIFESTS, EXPIRE_SNAPSHOTS, REMOVE_ORPHANS);

  private static final long MB = 1024L * 1024;

  private TableUpkeep() {}

  /** What the upkeep would do to the table, changing nothing. */
  static List<MaintenanceAction> plan(
      SparkSession spark, String name, MaintenanceConfig settings, Instant now) {
    Table table = LakeTables.load(spark, name);
    List<MaintenanceAction> plan = new ArrayList<>();
    long target = settings.targetFileMb() * MB;
    Map<StructLike, long[]> small = new HashMap<>();
    if (table.currentSnapshot() != null) {
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          if (task.file().fileSizeInBytes() < target * 3 / 4) {
            long[] files = small.computeIfAbsent(task.file().partition(), p -> new long[2]);
            files[0]++;
            files[1] += task.file().fileSizeInBytes();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    long files = 0;
    long bytes = 0;
    for (long[] partition : small.values()) {
      if (partition[0] >= settings.minInputFiles()) {
        files += partition[0];
        bytes += partition[1];
      }
    }
    plan.add(
        new MaintenanceAction(
            Optional.empty(),
            name,
            COMPACT,
            0,
            files,
            bytes,
            0,
            0,
            "%d small files in partitions with at least %d of them, to be rewritten at %d MB"
                .formatted(files, settings.minInputFiles(), settings.targetFileMb()),
            now));
    List<Snapshot> expiring = expiring(table, settings, now);
    plan.add(
        new MaintenanceAction(
            Optional.empty(),
            name,
            EXPIRE_SNAPSHOTS,
            0,
            0,
            0,
            0,
            0,
            "%d of %d snapshots beyond the last %d and older than %s; their unreferenced files go"
                    .formatted(
                        expiring.size(),
                        count(table.snapshots()),
                        settings.snapshotsKeepLast(),
                        settings.snapshotsKeepFor())
                + " with them",
            now));
    return plan;
  }

  /** Does the upkeep and reports each step; progress names each step as it starts. */
  static List<MaintenanceAction> apply(
      SparkSession spark,
      String name,
      MaintenanceConfig settings,
      Instant now,
      long runId,
      java.util.Set<String> steps,
      Consumer<String> progress) {
    Optional<Long> run = Optional.of(runId);
    List<MaintenanceAction> done = new ArrayList<>();
    SparkActions actions = SparkActions.get(spark);
    if (steps.contains(COMPACT)) {
      done.add(compact(spark, actions, name, settings, now, run, progress));
    }
    if (steps.contains(REWRITE_MANIFESTS)) {
      done.add(rewriteManifests(spark, actions, name, now, run, progress));
    }
    if (steps.contains(EXPIRE_SNAPSHOTS)) {
      done.add(expire(spark, actions, name, settings, now, run, progress));
    }
    if (steps.contains(REMOVE_ORPHANS)) {
      done.add(removeOrphans(spark, actions, name, settings, now, run, progress));
    }
    return done;
  }

  private static MaintenanceAction compact(
      SparkSession spark,
      SparkActions actions,
      String name,
      MaintenanceConfig settings,
      Instant now,
      Optional<Long> run,
      Consumer<String> progress) {
    progress.accept(name + ": compacting small files");
    Table table = LakeTables.load(spark, name);
    Long before = currentId(table);
    RewriteDataFiles.Result compacted =
        actions
            .rewriteDataFiles(table)
            .option(
                RewriteDataFiles.TARGET_FILE_SIZE_BYTES,
                Long.toString(settings.targetFileMb() * MB))
            .option("min-input-files", Integer.toString(settings.minInputFiles()))
            .execute();
    Map<String, Long> written = since(LakeTables.load(spark, name), before);
    return new MaintenanceAction(
        run,
        name,
        COMPACT,
        0,
        compacted.rewrittenDataFilesCount(),
        compacted.rewrittenBytesCount(),
        compacted.addedDataFilesCount(),
        written.getOrDefault(SnapshotSummary.ADDED_FILE_SIZE_PROP, 0L),
        "%d files rewritten as %d at %d MB"
            .formatted(
                compacted.rewrittenDataFilesCount(),
                compacted.addedDataFilesCount(),
                settings.targetFileMb()),
        now);
  }

  private static MaintenanceAction rewriteManifests(
      SparkSession spark,
      SparkActions actions,
      String name,
      Instant now,
      Optional<Long> run,
      Consumer<String> progress) {
    progress.accept(name + ": rewriting manifests");
    RewriteManifests.Result manifests =
        actions.rewriteManifests(LakeTables.load(spark, name)).execute();
    long rewritten = count(manifests.rewrittenManifests());
    long added = count(manifests.addedManifests());
    return new MaintenanceAction(
        run,
        name,
        REWRITE_MANIFESTS,
        0,
        rewritten,
        0,
        added,
        0,
        "%d manifests rewritten as %d".formatted(rewritten, added),
        now);
  }

  private static MaintenanceAction expire(
      SparkSession spark,
      SparkActions actions,
      String name,
      MaintenanceConfig settings,
      Instant now,
      Optional<Long> run,
      Consumer<String> progress) {
    progress.accept(name + ": expiring snapshots");
    Table table = LakeTables.load(spark, name);
    Deletions expired = new Deletions(table.io());
    long olderThan = now.minus(settings.snapshotsKeepFor()).toEpochMilli();
    ExpireSnapshots.Result expiry =
        actions
            .expireSnapshots(table)
            .expireOlderThan(olderThan)
            .retainLast(settings.snapshotsKeepLast())
            .deleteWith(expired)
            .execute();
    return new MaintenanceAction(
        run,
        name,
        EXPIRE_SNAPSHOTS,
        0,
        expired.files.get(),
        expired.bytes.get(),
        0,
        0,
        "%d data files, %d manifests and %d manifest lists no retained snapshot references"
            .formatted(
                expiry.deletedDataFilesCount(),
                expiry.deletedManifestsCount(),
                expiry.deletedManifestListsCount()),
        now);
  }

  private static MaintenanceAction removeOrphans(
      SparkSession spark,
      SparkActions actions,
      String name,
      MaintenanceConfig settings,
      Instant now,
      Optional<Long> run,
      Consumer<String> progress) {
    progress.accept(name + ": removing orphan files");
    Table table = LakeTables.load(spark, name);
    Deletions orphans = new Deletions(table.io());
    DeleteOrphanFiles.Result orphaned =
        actions
            .deleteOrphanFiles(table)
            .olderThan(now.minus(settings.orphansMinAge()).toEpochMilli())
            .deleteWith(orphans)
            .execute();
    return new MaintenanceAction(
        run,
        name,
        REMOVE_ORPHANS,
        0,
        orphans.files.get(),
        orphans.bytes.get(),
        0,
        0,
        "%d files in the table's folder no snapshot references, older than %s"
            .formatted(count(orphaned.orphanFileLocations()), settings.orphansMinAge()),
        now);
  }

  /** The snapshots an expiry at {@code now} removes: not among the last N, older than keep-for. */
  static List<Snapshot> expiring(Table table, MaintenanceConfig settings, Instant now) {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    snapshots.sort(Comparator.comparingLong(Snapshot::timestampMillis).reversed());
    long olderThan = now.minus(settings.snapshotsKeepFor()).toEpochMilli();
    Long current = currentId(table);
    return snapshots.stream()
        .skip(settings.snapshotsKeepLast())
        .filter(snapshot -> snapshot.timestampMillis() < olderThan)
        .filter(snapshot -> !Objects.equals(snapshot.snapshotId(), current))
        .toList();
  }

  private static Long currentId(Table table) {
    return table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
  }

  /** The summed summaries of the commits after {@code before}, other writers' appends aside. */
  private static Map<String, Long> since(Table table, Long before) {
    Map<String, Long> sums = new HashMap<>();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null && !Objects.equals(snapshot.snapshotId(), before);
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if (!"append".equals(snapshot.operation())) {
        snapshot
            .summary()
            .forEach(
                (key, value) -> {
                  try {
                    sums.merge(key, Long.parseLong(value), Long::sum);
                  } catch (NumberFormatException e) {
                    // Not a figure (an engine's name, a flag).
                  }
                });
      }
    }
    return sums;
  }

  private static long count(Iterable<?> items) {
    long count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }

  /** Deletes files through the table's IO, counting them and their bytes first. */
  private static final class Deletions implements Consumer<String> {
    private final FileIO io;
    final AtomicLong files = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    Deletions(FileIO io) {
      this.io = io;
    }

    @Override
    public void accept(String path) {
      long length;
      try {
        length = io.newInputFile(path).getLength();
      } catch (RuntimeException e) {
        length = 0; // gone already: a crashed run removed it
      }
      io.deleteFile(path);
      files.incrementAndGet();
      bytes.addAndGet(length);
    }
  }
}
