package dev.adlake.core.job;

/** What kind of store a dataset lives in; decides its shape in the lineage diagram. */
public enum DatasetKind {
  /** Files in the landing zone (a folder or an s3a:// prefix). */
  FILES("Landing zone"),
  /** A Kafka topic. */
  TOPIC("Kafka"),
  /** Raw copies of Kafka topics in the lake, in dt=/hr= folders. */
  ARCHIVE("Kafka archive"),
  /** An Iceberg table in the lake. */
  TABLE("Iceberg lake"),
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
