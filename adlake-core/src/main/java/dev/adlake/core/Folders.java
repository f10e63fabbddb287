package dev.adlake.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-system chores on folders of adlake's own (scratch space, benchmark and test homes). */
public final class Folders {
  private Folders() {}

  /** Deletes the folder with everything in it; nothing when it does not exist. */
  public static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot delete %s: %s".formatted(root, e.getMessage()), e);
    }
  }
}
