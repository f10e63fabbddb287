package dev.adlake.kafka.archive;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the archive's files live: a local folder ({@link LocalArchiveStore}) or an S3 prefix. Paths
 * are relative to the archive's root and {@code /}-separated, such as {@code
 * enriched-tracker/dt=2026-12-05/hr=13/<file>}.
 *
 * <p>A file is written to a local staging file first and becomes visible under its path only when
 * {@link #publish} makes it so, whole and at once; a process killed before that leaves a staging
 * file behind, which {@link #list} shows under its hidden temporary name so that the archiver can
 * delete it.
 */
public interface ArchiveStore extends AutoCloseable {
  /** The archive's root, as users configure and see it. */
  URI location();

  /**
   * Takes the archive for this process until {@link #close()}.
   *
   * @throws dev.adlake.core.ConflictException when another archiver writes there
   */
  void lock();

  /** Every file under a topic, paths relative to the root, leftover staging files included. */
  List<String> list(String topic) throws IOException;

  /**
   * The local file a file is written to until it is published, for its temporary path (a hidden
   * name in the folder it goes to); the file's folder exists.
   */
  Path staging(String temporaryPath) throws IOException;

  /** Makes a complete staging file visible at {@code path} in one step; the staging file goes. */
  void publish(Path staging, String path) throws IOException;

  /** Writes a small file whole at {@code path}. */
  void write(String path, byte[] content) throws IOException;

  /** Deletes the file at {@code path}, a leftover staging file included, if it is there. */
  void delete(String path) throws IOException;

  /** Lets the archive go; what was published stays. */
  @Override
  void close();
}
