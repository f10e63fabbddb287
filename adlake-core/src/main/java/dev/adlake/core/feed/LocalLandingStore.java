package dev.adlake.core.feed;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A landing zone in a local folder. Hidden files and files being written (*.tmp) are skipped. */
public final class LocalLandingStore implements LandingStore {
  private final Path root;

  public LocalLandingStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public List<StoredObject> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<StoredObject> objects = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
        String name = path.getFileName().toString();
        if (name.startsWith(".") || name.endsWith(".tmp")) {
          continue;
        }
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException movedMeanwhile) {
          continue;
        }
        objects.add(
            new StoredObject(
                keyOf(path), attributes.size(), attributes.lastModifiedTime().toInstant()));
      }
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot list the landing zone %s: %s".formatted(root, e.getMessage()), e);
    }
    objects.sort(Comparator.comparing(StoredObject::key));
    return objects;
  }

  @Override
  public void put(String key, InputStream bytes, long size) {
    Path target = root.resolve(key).normalize();
    if (!target.startsWith(root)) {
      throw new IllegalArgumentException("Key " + key + " is outside the landing zone " + root);
    }
    // Hidden while written, so listing skips it; a copy cut short leaves only this name behind,
    // which the next put of the key replaces.
    Path partial = target.resolveSibling("." + target.getFileName() + ".copying");
    try {
      Files.createDirectories(target.getParent());
      Files.copy(bytes, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (java.nio.channels.FileChannel channel =
          java.nio.channels.FileChannel.open(partial, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      if (Files.size(partial) != size) {
        throw new IOException("wrote %d bytes, expected %d".formatted(Files.size(partial), size));
      }
      Files.move(
          partial,
          target,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write %s in the landing zone %s: %s".formatted(key, root, e.getMessage()), e);
    }
  }

  @Override
  public InputStream open(String key) {
    try {
      return Files.newInputStream(root.resolve(key));
    } catch (NoSuchFileException e) {
      throw new NotFoundException("Cannot read %s: it is no longer in %s".formatted(key, root));
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot read %s: %s".formatted(key, e.getMessage()), e);
    }
  }

  @Override
  public java.net.URI uri(String key) {
    return root.resolve(key).toUri();
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(root.resolve(key));
  }

  @Override
  public java.util.Optional<StoredObject> stat(String key) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(root.resolve(key), BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          new StoredObject(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return java.util.Optional.empty();
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot read %s: %s".formatted(key, e.getMessage()), e);
    }
  }

  @Override
  public String moveTo(String key, URI targetRoot, String suffixIfTaken) {
    Path source = root.resolve(key);
    Path target = freeTarget(folder(targetRoot), key, suffixIfTaken);
    try {
      Files.createDirectories(target.getParent());
      move(source, target);
      return target.toString();
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot move %s to %s: %s".formatted(source, target, e.getMessage()), e);
    }
  }

  @Override
  public String movedLocation(String key, URI targetRoot, String suffixIfTaken) {
    return moved(folder(targetRoot), key, suffixIfTaken).toString();
  }

  /**
   * Where a key moves to under a local folder: its own name, or with the suffix when an earlier
   * version holds that name.
   */
  public static Path freeTarget(Path folder, String key, String suffixIfTaken) {
    Path plain = folder.resolve(key);
    return Files.exists(plain) ? withSuffix(plain, suffixIfTaken) : plain;
  }

  /**
   * Where an earlier move put a key under a local folder: the suffixed name if there, else its own.
   */
  public static Path moved(Path folder, String key, String suffixIfTaken) {
    Path plain = folder.resolve(key);
    Path suffixed = withSuffix(plain, suffixIfTaken);
    return Files.exists(suffixed) ? suffixed : plain;
  }

  private static Path withSuffix(Path path, String suffix) {
    return path.resolveSibling(path.getFileName() + suffix);
  }

  @Override
  public boolean isStored(String stored) {
    return Files.isRegularFile(Path.of(stored));
  }

  @Override
  public void restore(String stored, String key) {
    Path target = root.resolve(key);
    try {
      Files.createDirectories(target.getParent());
      move(Path.of(stored), target);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot move %s back to %s: %s".formatted(stored, target, e.getMessage()), e);
    }
  }

  /** A local archive or error folder: a landing folder moves files on this file system only. */
  private static Path folder(URI location) {
    if (!"file".equals(location.getScheme())) {
      throw new InvalidInputException(
          ("Cannot move landed files to %s: archive and error folders on S3 need an S3 landing"
                  + " zone (landing.path: s3a://...); with a local one, use local folders")
              .formatted(location));
    }
    return Path.of(location);
  }

  private static void move(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // Another file system: copy, then remove the source only once the copy is complete.
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      Files.delete(source);
    }
  }

  private String keyOf(Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }

  public Path root() {
    return root;
  }
}
