package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

/**
 * A named dataset a job reads or writes.
 *
 * @param name the table ({@code raw.adserver__impressions}), topic, or landing prefix
 */
public record Dataset(DatasetKind kind, String name) {
  public Dataset {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Dataset name is blank");
    }
  }

  public static Dataset table(String name) {
    return new Dataset(DatasetKind.TABLE, name);
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
