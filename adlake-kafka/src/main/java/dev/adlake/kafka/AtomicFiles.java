package dev.adlake.kafka;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Publishes files so that a reader, or a process restarting after a crash, sees either the whole
 * file under its final name or nothing: the bytes go to a hidden temporary file in the same folder,
 * are forced to disk, and the file is renamed, the folder then forced too so the rename survives a
 * power cut.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Renames a complete, already forced temporary file to its final name in the same folder. */
  public static void publish(Path temporary, Path target) throws IOException {
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(target.getParent());
  }

  /** Writes a small file whole under its final name, through a temporary one. */
  public static void write(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(content));
      channel.force(true);
    }
    publish(temporary, target);
  }

  /** Forces a folder's entries (new and renamed files) to disk, where the system allows it. */
  public static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some systems (Windows) cannot open a folder; their renames are durable on their own.
      if (Files.isDirectory(directory) && System.getProperty("os.name").startsWith("Windows")) {
        return;
      }
      throw e;
    }
  }
}
