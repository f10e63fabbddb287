package dev.adlake.core.job;

/**
 * What a dataset is and the store it lives in; decides its shape in the lineage diagram, and its
 * subgraph: one per store, so kinds of one store (the lake's tables and views) share it.
 */
public enum DatasetKind {
  /** Files in the landing zone (a folder or an s3a:// prefix). */
  FILES("Landing zone"),
  /** A Kafka topic. */
  TOPIC("Kafka"),
  /** Raw copies of Kafka topics in the lake, in dt=/hr= folders. */
  ARCHIVE("Kafka archive"),
  /** One Iceberg table in the lake, named {@code namespace.table}. */
  TABLE("Iceberg lake"),
  /**
   * A view in the lake's catalog, or a family of views a job makes at run time, named with {@code
   * *} for the varying part ({@code reporting.mapping_*}); not a table Spark can read by that name.
   */
  VIEW("Iceberg lake"),
  /**
   * A family of Iceberg tables a job makes at run time from what it finds (the clean room's {@code
   * staged.ext_*}), named with {@code *} for the varying part.
   */
  TABLES("Iceberg lake"),
  /** A table of the PostgreSQL serving store. */
  SERVING_TABLE("PostgreSQL serving store"),
  /** An API adlake serves or calls. */
  API("APIs"),
  /** A system outside adlake: a partner, a DSP, an e-mail. */
  EXTERNAL("External");

  private final String store;

  DatasetKind(String store) {
    this.store = store;
  }

  /** The name of the store, used as the subgraph title in lineage. */
  public String store() {
    return store;
  }
}
