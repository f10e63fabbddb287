package dev.adlake.spark.maintenance;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.table.Retention;
import dev.adlake.core.table.Retention.TimeRange;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.spark.sql.SparkSession;

/**
 * What retention applies to, and what it removes there: the tables of the catalog kept for less
 * than forever, and the three folders of files ({@code landing-archive}, {@code landing-errors},
 * {@code kafka-archive}). The ranges to delete come from the policy and the oldest time each table
 * holds, so a plan and the run after it agree, and a rerun after a crash finds only what is left.
 */
final class RetentionPlanner {
  static final String LANDING_ARCHIVE = "landing-archive";
  static final String LANDING_ERRORS = "landing-errors";
  static final String KAFKA_ARCHIVE = "kafka-archive";

  private final SparkSession spark;
  private final DataSource serving;
  private final Map<String, TableDefinition> tables = new LinkedHashMap<>();
  private final Map<String, Folder> folders = new LinkedHashMap<>();

  private record Folder(Path root, FolderRetention.Dating dating, Retention retention) {}

  RetentionPlanner(
      SparkSession spark, DataSource serving, TableCatalog catalog, AdlakeConfig config) {
    this.spark = spark;
    this.serving = serving;
    for (TableDefinition table : catalog.all()) {
      if (table.retention().kind() != Retention.Kind.FOREVER && !table.family()) {
        tables.put(table.name(), table);
      }
    }
    // Archive and error prefixes on S3 (the Kafka archive's too) are kept by the bucket's lifecycle
    // rules, not here.
    if ("file".equals(config.ingest().archiveLocation().getScheme())) {
      folders.put(
          LANDING_ARCHIVE,
          new Folder(
              config.ingest().archivePath(),
              FolderRetention.Dating.MODIFIED,
              Retention.parse(config.maintenance().landingArchiveRetention())));
    }
    if ("file".equals(config.ingest().errorLocation().getScheme())) {
      folders.put(
          LANDING_ERRORS,
          new Folder(
              config.ingest().errorPath(),
              FolderRetention.Dating.MODIFIED,
              Retention.parse(config.maintenance().landingErrorsRetention())));
    }
    Retention kafka = Retention.parse(config.maintenance().kafkaArchiveRetention());
    config
        .archive()
        .localDirectory()
        .ifPresent(
            directory ->
                folders.put(
                    KAFKA_ARCHIVE,
                    new Folder(directory, FolderRetention.Dating.HOUR_FOLDERS, kafka)));
  }

  /** The tables and folders retention looks at, tables first. */
  List<String> targets() {
    List<String> targets = new ArrayList<>(tables.keySet());
    targets.addAll(folders.keySet());
    return targets;
  }

  /** The retention of a table or folder. */
  Retention retention(String target) {
    TableDefinition table = tables.get(target);
    return table != null ? table.retention() : folder(target).retention();
  }

  MaintenanceAction plan(String target, Instant now) {
    TableDefinition table = tables.get(target);
    if (table == null) {
      Folder folder = folder(target);
      return FolderRetention.run(
          target, folder.root(), folder.dating(), folder.retention(), now, Optional.empty(), false);
    }
    List<TimeRange> ranges = ranges(table, now);
    if (ranges.isEmpty()) {
      return nothing(table, now, Optional.empty());
    }
    return table.store() == TableStore.LAKE
        ? LakeRetention.plan(spark, table, ranges, now)
        : ServingRetention.plan(serving, table, ranges, now);
  }

  MaintenanceAction apply(
      String target, Instant now, int batchRows, long runId, Consumer<String> progress) {
    TableDefinition table = tables.get(target);
    if (table == null) {
      Folder folder = folder(target);
      return FolderRetention.run(
          target,
          folder.root(),
          folder.dating(),
          folder.retention(),
          now,
          Optional.of(runId),
          true);
    }
    List<TimeRange> ranges = ranges(table, now);
    if (ranges.isEmpty()) {
      return nothing(table, now, Optional.of(runId));
    }
    progress.accept("%s: deleting rows of %s".formatted(target, LakeRetention.describe(ranges)));
    return table.store() == TableStore.LAKE
        ? LakeRetention.apply(spark, table, ranges, runId, now)
        : ServingRetention.apply(serving, table, ranges, batchRows, runId, now, progress);
  }

  private List<TimeRange> ranges(TableDefinition table, Instant now) {
    Optional<Instant> oldest;
    if (table.store() == TableStore.LAKE) {
      if (!spark.catalog().tableExists(table.name())) {
        return List.of();
      }
      oldest = LakeRetention.oldest(spark, table);
    } else {
      oldest = ServingRetention.oldest(serving, table);
    }
    return oldest.map(time -> table.retention().removedRanges(time, now)).orElse(List.of());
  }

  private static MaintenanceAction nothing(
      TableDefinition table, Instant now, Optional<Long> runId) {
    return new MaintenanceAction(
        runId,
        table.name(),
        RetentionJob.ACTION,
        0,
        0,
        0,
        0,
        0,
        table.retention().text() + ": nothing older than the policy keeps",
        now);
  }

  private Folder folder(String target) {
    Folder folder = folders.get(target);
    if (folder == null) {
      throw new InvalidInputException(
          "No table or folder named '%s'; they are: %s"
              .formatted(target, String.join(", ", targets())));
    }
    return folder;
  }
}
