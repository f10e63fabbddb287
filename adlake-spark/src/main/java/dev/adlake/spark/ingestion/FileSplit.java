package dev.adlake.spark.ingestion;

import dev.adlake.core.feed.FeedSchema;
import dev.adlake.core.feed.FileFormat;
import dev.adlake.core.feed.LineParser;
import java.io.Serializable;

/**
 * A part of a landed file that one Spark task parses: the bytes from {@code start} to {@code end}
 * of an uncompressed text file (the lines that begin there), or a whole compressed text file, or a
 * whole Avro or Parquet file.
 *
 * @param index the split's number in its batch
 * @param part the split's number in its file, 0 for the first
 * @param uri where the task reads the file (a Hadoop file system URI)
 * @param firstLine the number of the file's lines before {@code start}, known once the earlier
 *     parts are counted (0 for the first part)
 * @param header the file starts with a header line, which part 0 skips
 * @param format the file's format: text ones are read by {@code parser}, binary ones by record
 * @param schema the rows' columns
 * @param parser a text file's line parser; null for a binary file
 */
record FileSplit(
    int index,
    long loadId,
    String key,
    String uri,
    int part,
    long start,
    long end,
    boolean compressed,
    long firstLine,
    boolean header,
    FileFormat format,
    FeedSchema schema,
    LineParser parser)
    implements Serializable {

  FileSplit withFirstLine(long lines) {
    return new FileSplit(
        index,
        loadId,
        key,
        uri,
        part,
        start,
        end,
        compressed,
        lines,
        header,
        format,
        schema,
        parser);
  }

  /** An Avro or Parquet file, read by record rather than by line. */
  boolean binary() {
    return format == FileFormat.AVRO || format == FileFormat.PARQUET;
  }
}
