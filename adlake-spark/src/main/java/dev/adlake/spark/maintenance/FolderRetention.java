package dev.adlake.spark.maintenance;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.table.Retention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Retention of folders of files: the landing zone's archive and error folders (a file's time is its
 * modification time, when it was moved there) and the Kafka archive (an hour's time is in its
 * {@code dt=}/{@code hr=} folder names). Emptied folders go too. A file's rows are elsewhere (the
 * lake) and its load stays in the ledger, so a file loaded once is never loaded again.
 */
final class FolderRetention {
  private static final Pattern HOUR_FOLDER =
      Pattern.compile(".*/dt=(\\d{4}-\\d{2}-\\d{2})/hr=(\\d{2})(/.*)?");

  /** How a file's time is found. */
  enum Dating {
    MODIFIED,
    HOUR_FOLDERS
  }

  private FolderRetention() {}

  /** What would go, or with {@code apply} goes, from the folder at {@code now}. */
  static MaintenanceAction run(
      String name,
      Path root,
      Dating dating,
      Retention retention,
      Instant now,
      Optional<Long> runId,
      boolean apply) {
    Optional<Instant> cutoff = retention.cutoff(now);
    long files = 0;
    long bytes = 0;
    if (cutoff.isPresent() && Files.isDirectory(root)) {
      List<Path> doomed = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
          BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
          Optional<Instant> time = time(root, file, attributes, dating);
          if (time.isPresent() && goes(time.get(), cutoff.get(), retention)) {
            doomed.add(file);
            files++;
            bytes += attributes.size();
          }
        }
        if (apply) {
          for (Path file : doomed) {
            Files.deleteIfExists(file);
          }
          removeEmptyFolders(root);
        }
      } catch (IOException e) {
        throw new ExternalFailureException(
            "Cannot apply the retention of %s (%s): %s".formatted(name, root, e.getMessage()), e);
      }
    }
    return new MaintenanceAction(
        runId,
        name,
        RetentionJob.ACTION,
        0,
        files,
        bytes,
        0,
        0,
        "%s: files %s in %s"
            .formatted(
                retention.text(), cutoff.map(c -> "before " + c).orElse("never removed"), root),
        now);
  }

  private static Optional<Instant> time(
      Path root, Path file, BasicFileAttributes attributes, Dating dating) {
    if (dating == Dating.MODIFIED) {
      return Optional.of(attributes.lastModifiedTime().toInstant());
    }
    String path = "/" + root.relativize(file).toString().replace('\\', '/');
    Matcher matcher = HOUR_FOLDER.matcher(path);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        LocalDate.parse(matcher.group(1))
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .plus(Integer.parseInt(matcher.group(2)), ChronoUnit.HOURS));
  }

  private static boolean goes(Instant time, Instant cutoff, Retention retention) {
    if (!time.isBefore(cutoff)) {
      return false;
    }
    return retention.kind() != Retention.Kind.MONTH_ENDS_AFTER_DAYS
        || !Retention.isMonthEnd(LocalDate.ofInstant(time, ZoneOffset.UTC));
  }

  private static void removeEmptyFolders(Path root) throws IOException {
    List<Path> folders;
    try (Stream<Path> walk = Files.walk(root)) {
      folders =
          walk.filter(Files::isDirectory)
              .filter(folder -> !folder.equals(root))
              .sorted(Comparator.reverseOrder())
              .toList();
    }
    for (Path folder : folders) {
      try (Stream<Path> entries = Files.list(folder)) {
        if (entries.findAny().isEmpty()) {
          Files.delete(folder);
        }
      }
    }
  }
}
