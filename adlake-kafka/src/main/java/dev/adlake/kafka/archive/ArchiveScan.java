package dev.adlake.kafka.archive;

import dev.adlake.core.ExternalFailureException;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the archive of one topic holds, read from its file names: where each partition's archive
 * ends, and which hours are complete. The archive is its own record of progress; leftover temporary
 * files of a process that died are partial writes and are deleted.
 *
 * @param lastOffsets per partition, the last offset in a complete file
 * @param latestHours per partition, the latest hour holding one of its files: its records reached
 *     that hour at least
 * @param pendingHours hours holding files but no {@code _SUCCESS} yet
 * @param completedHours hours holding {@code _SUCCESS}
 * @param removedTemporaries how many leftover temporary files were deleted
 */
record ArchiveScan(
    Map<Integer, Long> lastOffsets,
    Map<Integer, Long> latestHours,
    NavigableSet<Long> pendingHours,
    Set<Long> completedHours,
    int removedTemporaries) {

  static ArchiveScan of(ArchiveStore store, String topic) {
    Map<Integer, Long> lastOffsets = new HashMap<>();
    Map<Integer, Long> latestHours = new HashMap<>();
    NavigableSet<Long> withFiles = new TreeSet<>();
    Set<Long> completed = new HashSet<>();
    int removed = 0;
    try {
      for (String file : store.list(topic)) {
        if (ArchiveLayout.isTemporary(file)) {
          store.delete(file);
          removed++;
          continue;
        }
        Long hour = ArchiveLayout.hourOfFile(file).orElse(null);
        if (hour == null) {
          continue;
        }
        if (ArchiveLayout.fileNameOf(file).equals(ArchiveLayout.SUCCESS)) {
          completed.add(hour);
          continue;
        }
        ArchiveLayout.DataFile data = ArchiveLayout.parse(file).orElse(null);
        if (data == null || !data.topic().equals(topic)) {
          continue;
        }
        lastOffsets.merge(data.partition(), data.lastOffset(), Math::max);
        latestHours.merge(data.partition(), hour, Math::max);
        withFiles.add(hour);
      }
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot read the archive of %s in %s: %s"
              .formatted(topic, store.location(), e.getMessage()),
          e);
    }
    withFiles.removeAll(completed);
    return new ArchiveScan(lastOffsets, latestHours, withFiles, completed, removed);
  }
}
