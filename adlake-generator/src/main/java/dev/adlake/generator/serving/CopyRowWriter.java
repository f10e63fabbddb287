package dev.adlake.generator.serving;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes rows in PostgreSQL's COPY text format: tab-separated, {@code \N} for null. */
final class CopyRowWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private final OutputStream out;
  private boolean firstField = true;

  CopyRowWriter(OutputStream out) {
    this.out = out;
  }

  CopyRowWriter text(String value) throws IOException {
    separate();
    // Only our own ids, dates and domain names are written: none holds a tab, newline or backslash.
    out.write(value.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  CopyRowWriter number(long value) throws IOException {
    return text(Long.toString(value));
  }

  CopyRowWriter nullValue() throws IOException {
    separate();
    out.write('\\');
    out.write('N');
    return this;
  }

  /** A bytea as {@code \\x...}: the backslash doubled because COPY text unescapes it once. */
  CopyRowWriter bytes(byte[] value) throws IOException {
    separate();
    byte[] encoded = new byte[3 + value.length * 2];
    encoded[0] = '\\';
    encoded[1] = '\\';
    encoded[2] = 'x';
    for (int i = 0; i < value.length; i++) {
      encoded[3 + 2 * i] = HEX[(value[i] >> 4) & 0xF];
      encoded[4 + 2 * i] = HEX[value[i] & 0xF];
    }
    out.write(encoded);
    return this;
  }

  void endRow() throws IOException {
    out.write('\n');
    firstField = true;
  }

  private void separate() throws IOException {
    if (!firstField) {
      out.write('\t');
    }
    firstField = false;
  }
}
