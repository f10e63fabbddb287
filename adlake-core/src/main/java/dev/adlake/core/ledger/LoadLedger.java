package dev.adlake.core.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The record of every object discovered in the landing zone and of its load. The same object (feed,
 * key, modified time, size) is recorded once, so it is never loaded twice; a claim takes a ready
 * load for one process only.
 */
public interface LoadLedger {
  /** A discovered object's load, and whether this discovery created it. */
  record Discovery(Load load, boolean isNew) {}

  /**
   * Records a discovered object. The same object (feed, key, modified time, size) gets one load
   * only: discovering it again returns that load.
   */
  Discovery discover(String feed, String objectKey, long size, Instant modifiedAt);

  /**
   * Takes the oldest ready load of the given feeds for this process, moving it to ingesting, or
   * empty when none is ready. Loads claimed by other processes are skipped, never waited for.
   */
  Optional<Load> claim(Collection<String> feeds);

  /** A lock on a feed, held while its files are loaded in order; released on close. */
  interface FeedLock extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes the lock of a feed whose files must be loaded one at a time and in order (snapshots,
   * change records), or empty when another process holds it. Never waits.
   */
  Optional<FeedLock> tryLock(String feed);

  /** Moves a load from one status to the next; fails when it is not in {@code from}. */
  Load transition(long loadId, LoadStatus from, LoadStatus to);

  /** Records a committed load: its counts and snapshot, status ready_for_archiving. */
  Load committed(long loadId, String checksum, LoadCounts counts, Optional<String> message);

  /** Records a failed load: its error, status ready_for_erroring. */
  Load failed(long loadId, Optional<String> checksum, Optional<LoadCounts> counts, String error);

  /** Records where the file was moved, and the final status (archived or errored). */
  Load stored(long loadId, LoadStatus from, LoadStatus to, String storedKey);

  /**
   * Loads left in a working status (ingesting, archiving, erroring) by processes of this host that
   * have ended: they were killed or crashed.
   */
  List<Load> abandoned();

  /**
   * Records the generation of a full-snapshot table a load belongs to (the ingestion design's table
   * and load snapshot tables). Recording it again changes nothing.
   */
  void recordSnapshot(String table, Instant snapshot, String snapshotKey, long loadId);

  Optional<Load> find(long loadId);

  /** Earlier loads of the same key, other than this one, that were committed. */
  List<Load> committedVersions(String feed, String objectKey, long exceptLoadId);

  /** Loads newest first, filtered by status, feed and discovery date when given. */
  List<Load> list(
      Optional<LoadStatus> status, Optional<String> feed, Optional<LocalDate> date, int limit);

  /** How many loads are in each status, for a feed or all. */
  java.util.Map<LoadStatus, Long> countByStatus(Optional<String> feed);
}
