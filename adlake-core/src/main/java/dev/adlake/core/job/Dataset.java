package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

/**
 * A named dataset a job reads or writes.
 *
 * @param name the table ({@code raw.adserver__impressions}), view, topic, or landing prefix; a
 *     family of views or serving tables a job makes at run time has {@code *} for the varying part
 *     ({@code reporting.mapping_*}), a lake table never: it names one table
 */
public record Dataset(DatasetKind kind, String name) {
  public Dataset {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Dataset name is blank");
    }
    if (kind == DatasetKind.TABLE && name.contains("*")) {
      throw new IllegalArgumentException(
          "Lake table '%s' must name one table; a family of views is a Dataset.view"
              .formatted(name));
    }
  }

  /** One Iceberg table of the lake, which Spark can read by this name. */
  public static Dataset table(String name) {
    return new Dataset(DatasetKind.TABLE, name);
  }

  /** A view of the lake's catalog, or a family of them ({@code reporting.mapping_*}). */
  public static Dataset view(String name) {
    return new Dataset(DatasetKind.VIEW, name);
  }

  /** A family of lake tables a job makes at run time, as {@code cleanroom.bucketed_*}. */
  public static Dataset tables(String pattern) {
    return new Dataset(DatasetKind.TABLES, pattern);
  }

  public static Dataset files(String prefix) {
    return new Dataset(DatasetKind.FILES, prefix);
  }

  public static Dataset topic(String name) {
    return new Dataset(DatasetKind.TOPIC, name);
  }

  /** A topic's raw copy in the Kafka archive, named by its folder. */
  public static Dataset archive(String folder) {
    return new Dataset(DatasetKind.ARCHIVE, folder);
  }

  public static Dataset servingTable(String name) {
    return new Dataset(DatasetKind.SERVING_TABLE, name);
  }

  public static Dataset external(String name) {
    return new Dataset(DatasetKind.EXTERNAL, name);
  }
}
