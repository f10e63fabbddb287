package dev.adlake.spark.ingestion;

import dev.adlake.core.feed.TextFeedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The lines of one file split, read as bytes and cut at {@code \n}: of an uncompressed file, the
 * lines that begin in the split's byte range (the line that straddles its start belongs to the
 * split before); of a compressed file, every line. Keeps the CRC-32C of the split's bytes (of a
 * compressed file, of its compressed bytes) and how many lines it skipped.
 */
final class LineSource implements Closeable {
  private final String key;
  private final InputStream in;
  private final CheckedInputStream raw;
  private final long end;
  private final CRC32C crc;
  private final byte[] buffer = new byte[1 << 16];
  private int length;
  private int offset;
  private long position;
  private byte[] line = new byte[256];
  private boolean partialSkipped;

  private LineSource(
      String key, InputStream in, CheckedInputStream raw, long position, long end, CRC32C crc) {
    this.key = key;
    this.in = in;
    this.raw = raw;
    this.position = position;
    this.end = end;
    this.crc = crc;
  }

  /** Opens a split; for a split that starts mid-file, skips to the first line that begins in it. */
  static LineSource open(FileSplit split, Configuration hadoop) throws IOException {
    Path path = new Path(URI.create(split.uri()));
    FileSystem fs = path.getFileSystem(hadoop);
    FSDataInputStream stream = fs.open(path);
    try {
      if (split.compressed()) {
        CRC32C crc = new CRC32C();
        CheckedInputStream checked = new CheckedInputStream(stream, crc);
        InputStream decompressed;
        try {
          decompressed = TextFeedReader.decompress(checked, split.key());
        } catch (EOFException | java.util.zip.ZipException e) {
          throw new IOException(TextFeedReader.corrupt(split.key(), e), e);
        }
        return new LineSource(split.key(), decompressed, checked, 0, Long.MAX_VALUE, null);
      }
      CRC32C crc = new CRC32C();
      if (split.start() == 0) {
        return new LineSource(split.key(), stream, null, 0, split.end(), crc);
      }
      stream.seek(split.start() - 1);
      int before = stream.read();
      LineSource source =
          new LineSource(split.key(), stream, null, split.start(), split.end(), crc);
      if (before != '\n') {
        source.partialSkipped = source.nextBytes() >= 0;
      }
      return source;
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /** Opens a split's byte range as it is, to count its newlines (uncompressed files only). */
  static LineSource openRange(FileSplit split, Configuration hadoop) throws IOException {
    Path path = new Path(URI.create(split.uri()));
    FSDataInputStream stream = path.getFileSystem(hadoop).open(path);
    try {
      stream.seek(split.start());
      return new LineSource(split.key(), stream, null, split.start(), split.end(), new CRC32C());
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /** True when the split started inside a line, which the split before reads. */
  boolean partialSkipped() {
    return partialSkipped;
  }

  /** The next line without its {@code \n} (a {@code \r} before it is the parser's to drop). */
  String next() throws IOException {
    int size = nextBytes();
    return size < 0 ? null : new String(line, 0, size, StandardCharsets.UTF_8);
  }

  /** Counts the {@code \n} bytes of the split's range, reading nothing beyond it. */
  long countNewlines() throws IOException {
    long count = 0;
    while (position < end) {
      if (offset == length && !fill()) {
        break;
      }
      int stop = (int) Math.min(length, offset + (end - position));
      for (int i = offset; i < stop; i++) {
        if (buffer[i] == '\n') {
          count++;
        }
      }
      checksum(offset, stop - offset);
      position += stop - offset;
      offset = stop;
    }
    return count;
  }

  /** The CRC-32C of the bytes read so far that lie in the split (all of a compressed file). */
  int checksum() throws IOException {
    if (raw != null) {
      // The compressed stream's trailer is part of the file's checksum.
      raw.transferTo(java.io.OutputStream.nullOutputStream());
      return (int) raw.getChecksum().getValue();
    }
    return (int) crc.getValue();
  }

  /** Reads the rest of the split's range into the checksum (a split may end in skipped bytes). */
  void finishChecksum() throws IOException {
    if (raw == null) {
      countNewlines();
    }
  }

  private int nextBytes() throws IOException {
    if (position >= end) {
      return -1;
    }
    int size = 0;
    boolean any = false;
    while (true) {
      if (offset == length && !fill()) {
        return any ? size : -1;
      }
      any = true;
      int newline = -1;
      for (int i = offset; i < length; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      int stop = newline < 0 ? length : newline;
      int count = stop - offset;
      if (size + count > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, size + count));
      }
      System.arraycopy(buffer, offset, line, size, count);
      size += count;
      int consumed = count + (newline < 0 ? 0 : 1);
      checksum(offset, consumed);
      position += consumed;
      offset += consumed;
      if (newline >= 0) {
        return size;
      }
    }
  }

  /** Adds the bytes at the current position to the checksum, those before the split's end only. */
  private void checksum(int from, int count) {
    if (crc == null || position >= end) {
      return;
    }
    crc.update(buffer, from, (int) Math.min(count, end - position));
  }

  private boolean fill() throws IOException {
    try {
      length = in.read(buffer, 0, buffer.length);
    } catch (EOFException | java.util.zip.ZipException e) {
      throw new IOException(TextFeedReader.corrupt(key, e), e);
    }
    offset = 0;
    if (length <= 0) {
      length = 0;
      return false;
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
