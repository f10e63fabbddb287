package dev.adlake.kafka.archive;

import dev.adlake.kafka.TestKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The archive in a local folder: {@link ArchiveScenario}. */
class ArchiverIT {
  @Test
  void everyRecordOnceInItsHourAcrossCrashesAndRestarts() throws Exception {
    Path root = Path.of("target", "archive-it").toAbsolutePath();
    new ArchiveScenario(() -> new LocalArchiveStore(root), path -> open(root.resolve(path)))
        .everyRecordOnceInItsHourAcrossCrashesAndRestarts(
            TestKafka.bootstrapServers(), root.toUri());
  }

  private static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
