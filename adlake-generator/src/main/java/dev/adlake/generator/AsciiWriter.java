package dev.adlake.generator;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered writer of ASCII text that formats numbers, hex ids and timestamps straight into bytes,
 * with no String per field: generation speed is bound by this class.
 */
final class AsciiWriter implements AutoCloseable {
  private static final byte[] HEX = "0123456789abcdef".getBytes();
  private static final byte[] DIGIT_PAIRS = new byte[200];

  static {
    for (int n = 0; n < 100; n++) {
      DIGIT_PAIRS[2 * n] = (byte) ('0' + n / 10);
      DIGIT_PAIRS[2 * n + 1] = (byte) ('0' + n % 10);
    }
  }

  private final OutputStream out;
  private final byte[] buffer;
  private int position;
  private long written;

  AsciiWriter(OutputStream out, int bufferSize) {
    this.out = out;
    this.buffer = new byte[bufferSize];
  }

  private void ensure(int bytes) throws IOException {
    if (position + bytes > buffer.length) {
      flushBuffer();
    }
  }

  private void flushBuffer() throws IOException {
    out.write(buffer, 0, position);
    written += position;
    position = 0;
  }

  AsciiWriter bytes(byte[] value) throws IOException {
    if (value.length > buffer.length) {
      flushBuffer();
      out.write(value);
      written += value.length;
      return this;
    }
    ensure(value.length);
    System.arraycopy(value, 0, buffer, position, value.length);
    position += value.length;
    return this;
  }

  AsciiWriter ascii(String value) throws IOException {
    return bytes(value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  AsciiWriter character(char value) throws IOException {
    ensure(1);
    buffer[position++] = (byte) value;
    return this;
  }

  AsciiWriter number(long value) throws IOException {
    if (value >= 0 && value < 1_000_000_000L) {
      return smallNumber((int) value);
    }
    ensure(20);
    if (value < 0) {
      buffer[position++] = '-';
      value = -value;
    }
    if (value == 0) {
      buffer[position++] = '0';
      return this;
    }
    int digits = 0;
    for (long rest = value; rest > 0; rest /= 10) {
      digits++;
    }
    for (int i = position + digits - 1; i >= position; i--) {
      buffer[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    position += digits;
    return this;
  }

  /** A value below a billion, in int arithmetic, which is much cheaper than long division. */
  private AsciiWriter smallNumber(int value) throws IOException {
    ensure(10);
    int digits =
        value < 10
            ? 1
            : value < 100
                ? 2
                : value < 1000
                    ? 3
                    : value < 10_000
                        ? 4
                        : value < 100_000
                            ? 5
                            : value < 1_000_000
                                ? 6
                                : value < 10_000_000 ? 7 : value < 100_000_000 ? 8 : 9;
    // Two digits per division, from a table: the generator writes several numbers a row.
    int i = position + digits;
    while (value >= 100) {
      int quotient = value / 100;
      int pair = (value - quotient * 100) << 1;
      buffer[--i] = DIGIT_PAIRS[pair + 1];
      buffer[--i] = DIGIT_PAIRS[pair];
      value = quotient;
    }
    if (value >= 10) {
      int pair = value << 1;
      buffer[--i] = DIGIT_PAIRS[pair + 1];
      buffer[--i] = DIGIT_PAIRS[pair];
    } else {
      buffer[--i] = (byte) ('0' + value);
    }
    position += digits;
    return this;
  }

  /** Writes a non-negative value with at least {@code width} digits, zero-padded. */
  AsciiWriter padded(int value, int width) throws IOException {
    ensure(width);
    for (int i = position + width - 1; i >= position; i--) {
      buffer[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    position += width;
    return this;
  }

  /** Sixteen lower-case hex digits. */
  AsciiWriter hex(long value) throws IOException {
    ensure(16);
    for (int i = 15; i >= 0; i--) {
      buffer[position + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    position += 16;
    return this;
  }

  /** An IPv4 address in dotted form. */
  AsciiWriter ipv4(int address) throws IOException {
    number((address >>> 24) & 0xFF).character('.');
    number((address >>> 16) & 0xFF).character('.');
    number((address >>> 8) & 0xFF).character('.');
    return number(address & 0xFF);
  }

  /**
   * An ISO-8601 UTC timestamp with milliseconds: {@code hourPrefix} is {@code "2026-11-01T13:"},
   * {@code millisInHour} the offset within that hour.
   */
  AsciiWriter timestamp(byte[] hourPrefix, int millisInHour) throws IOException {
    bytes(hourPrefix);
    int minutes = millisInHour / 60_000;
    int seconds = (millisInHour / 1000) % 60;
    int millis = millisInHour % 1000;
    padded(minutes, 2).character(':').padded(seconds, 2).character('.').padded(millis, 3);
    return character('Z');
  }

  /** Bytes written so far, buffered ones included. */
  long size() {
    return written + position;
  }

  @Override
  public void close() throws IOException {
    flushBuffer();
    out.close();
  }
}
