package dev.adlake.kafka.archive;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One archived record as one line of JSON: {@code {"partition":0,"offset":42,
 * "timestamp":1763860000000,"key_base64":null,"value_base64":"eyJpZCI6MX0="}} and, when the record
 * has headers, {@code "headers":[{"key":"k","value_base64":"..."}]}. Key and value bytes are kept
 * exactly, in base64, whatever they hold (JSON, Avro, anything).
 */
final class RecordLines {
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private RecordLines() {}

  static byte[] encode(ConsumerRecord<byte[], byte[]> record) {
    StringBuilder line = new StringBuilder(64 + sizeOf(record.value()) * 4 / 3);
    line.append("{\"partition\":")
        .append(record.partition())
        .append(",\"offset\":")
        .append(record.offset())
        .append(",\"timestamp\":")
        .append(record.timestamp())
        .append(",\"key_base64\":");
    base64(line, record.key());
    line.append(",\"value_base64\":");
    base64(line, record.value());
    Header[] headers = record.headers().toArray();
    if (headers.length > 0) {
      line.append(",\"headers\":[");
      for (int i = 0; i < headers.length; i++) {
        line.append(i == 0 ? "{\"key\":" : ",{\"key\":");
        string(line, headers[i].key());
        line.append(",\"value_base64\":");
        base64(line, headers[i].value());
        line.append('}');
      }
      line.append(']');
    }
    line.append("}\n");
    return line.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int sizeOf(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static void base64(StringBuilder line, byte[] bytes) {
    if (bytes == null) {
      line.append("null");
    } else {
      line.append('"').append(BASE64.encodeToString(bytes)).append('"');
    }
  }

  /** A JSON string literal. */
  static void string(StringBuilder line, String text) {
    line.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> line.append("\\\"");
        case '\\' -> line.append("\\\\");
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        case '\t' -> line.append("\\t");
        default -> {
          if (c < 0x20) {
            line.append("\\u%04x".formatted((int) c));
          } else {
            line.append(c);
          }
        }
      }
    }
    line.append('"');
  }
}
