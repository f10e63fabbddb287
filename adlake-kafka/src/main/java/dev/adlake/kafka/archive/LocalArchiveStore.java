package dev.adlake.kafka.archive;

import dev.adlake.core.ConflictException;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.kafka.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The archive in a local folder: a file is written beside its final name, under its hidden
 * temporary name, forced to disk and renamed; one archiver per folder, by a lock file.
 */
public final class LocalArchiveStore implements ArchiveStore {
  private static final String LOCK_FILE = ".archiver.lock";

  private final Path root;
  private FileChannel lockChannel;

  public LocalArchiveStore(Path root) {
    this.root = root.toAbsolutePath();
  }

  @Override
  public URI location() {
    return root.toUri();
  }

  @Override
  public void lock() {
    FileLock lock;
    try {
      Files.createDirectories(root);
      lockChannel =
          FileChannel.open(
              root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = lockChannel.tryLock();
    } catch (IOException e) {
      close();
      throw new ExternalFailureException(
          "Cannot open the archive folder %s: %s".formatted(root, e.getMessage()), e);
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      close();
      throw new ConflictException(
          "Cannot archive into %s: another archiver is writing there".formatted(root));
    }
  }

  @Override
  public List<String> list(String topic) throws IOException {
    Path directory = root.resolve(topic);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(directory, 3)) {
      return walk.filter(Files::isRegularFile)
          .map(file -> root.relativize(file).toString().replace('\\', '/'))
          .toList();
    }
  }

  @Override
  public Path staging(String temporaryPath) throws IOException {
    Path staging = root.resolve(temporaryPath);
    Files.createDirectories(staging.getParent());
    return staging;
  }

  @Override
  public void publish(Path staging, String path) throws IOException {
    // Closing the gzip stream finished the file; force its bytes down before the rename counts.
    try (FileChannel channel = FileChannel.open(staging, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    AtomicFiles.publish(staging, root.resolve(path));
  }

  @Override
  public void write(String path, byte[] content) throws IOException {
    AtomicFiles.write(root.resolve(path), content);
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(root.resolve(path));
  }

  @Override
  public void close() {
    if (lockChannel != null) {
      try {
        lockChannel.close();
      } catch (IOException ignored) {
        // Closing the channel released the lock, or the process ends and the system does.
      }
      lockChannel = null;
    }
  }
}
