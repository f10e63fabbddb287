package dev.adlake.kafka.bridge;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A record value as one line of a JSON-lines file. A value that is UTF-8 text on one line is
 * written byte for byte, valid JSON or not: judging it is ingestion's business. A value that cannot
 * be one line as it is (it holds a line break or is not UTF-8) (or begins like an escaped one) is
 * written as {@value #ESCAPED} followed by its bytes in base64, which ingestion rejects as not JSON
 * with the line kept, so no byte is lost or changed. A record without a value (a tombstone) is the
 * line {@code null}.
 */
final class ValueLines {
  static final String ESCAPED = "kafka-value-base64:";
  private static final byte[] NULL_LINE = "null\n".getBytes(StandardCharsets.US_ASCII);

  private ValueLines() {}

  static byte[] encode(byte[] value) {
    if (value == null) {
      return NULL_LINE;
    }
    if (fitsOneLine(value)) {
      byte[] line = new byte[value.length + 1];
      System.arraycopy(value, 0, line, 0, value.length);
      line[value.length] = '\n';
      return line;
    }
    return (ESCAPED + Base64.getEncoder().encodeToString(value) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The value bytes a line stands for (without its line break); the inverse of encode. */
  static byte[] decode(String line) {
    if (line.startsWith(ESCAPED)) {
      return Base64.getDecoder().decode(line.substring(ESCAPED.length()));
    }
    return line.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean startsWithEscape(byte[] value) {
    byte[] escape = ESCAPED.getBytes(StandardCharsets.US_ASCII);
    if (value.length < escape.length) {
      return false;
    }
    for (int i = 0; i < escape.length; i++) {
      if (value[i] != escape[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean fitsOneLine(byte[] value) {
    if (startsWithEscape(value)) {
      return false;
    }
    for (byte b : value) {
      if (b == '\n' || b == '\r') {
        return false;
      }
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
