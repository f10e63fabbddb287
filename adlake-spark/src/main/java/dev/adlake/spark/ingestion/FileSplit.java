package dev.adlake.spark.ingestion;

import dev.adlake.core.feed.LineParser;
import java.io.Serializable;

/**
 * A part of a landed text file that one Spark task parses: the bytes from {@code start} to {@code
 * end} of an uncompressed file (the lines that begin there), or a whole compressed file.
 *
 * @param index the split's number in its batch
 * @param part the split's number in its file, 0 for the first
 * @param uri where the task reads the file (a Hadoop file system URI)
 * @param firstLine the number of the file's lines before {@code start}, known once the earlier
 *     parts are counted (0 for the first part)
 * @param header the file starts with a header line, which part 0 skips
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
    LineParser parser)
    implements Serializable {

  FileSplit withFirstLine(long lines) {
    return new FileSplit(
        index, loadId, key, uri, part, start, end, compressed, lines, header, parser);
  }
}
