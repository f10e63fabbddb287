package dev.adlake.kafka.archive;

import dev.adlake.core.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Opens the store of an archive location: a service of the process that runs the archive, since a
 * store on S3 needs the lake's S3 settings and a lock shared by every process.
 */
@FunctionalInterface
public interface ArchiveStores {
  ArchiveStore open(URI location);

  /** Stores in local folders only; an S3 location is refused with what to do. */
  static ArchiveStores local() {
    return location -> {
      if (!"file".equals(location.getScheme())) {
        throw new InvalidInputException(
            "Cannot archive into %s: this process writes the archive to local folders only"
                .formatted(location));
      }
      return new LocalArchiveStore(Path.of(location));
    };
  }
}
