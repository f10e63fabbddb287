package dev.adlake.core.feed;

/** The formats a feed's files can have; compression is told by the file extension. */
public enum FileFormat {
  TSV,
  CSV,
  JSON,
  AVRO,
  PARQUET;

  /** True for formats read line by line, where a reject names its line. */
  public boolean textual() {
    return this == TSV || this == CSV || this == JSON;
  }
}
