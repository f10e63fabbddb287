package dev.adlake.spark.ingestion.enrich;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Writes rows of an events table as the JSON values of the output topics: an object of the non-null
 * columns in table order, timestamps as ISO-8601 UTC with milliseconds, binary as base64. Not
 * thread-safe: one per task.
 */
final class RowJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private final String[] names;
  private final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);

  RowJson(Schema schema) {
    List<Types.NestedField> columns = schema.columns();
    names = columns.stream().map(Types.NestedField::name).toArray(String[]::new);
  }

  byte[] write(Record row) {
    buffer.reset();
    try (JsonGenerator json = JSON.createGenerator(buffer)) {
      json.writeStartObject();
      for (int i = 0; i < names.length; i++) {
        Object value = row.get(i);
        if (value == null) {
          continue;
        }
        json.writeFieldName(names[i]);
        if (value instanceof String text) {
          json.writeString(text);
        } else if (value instanceof Long number) {
          json.writeNumber(number);
        } else if (value instanceof Integer number) {
          json.writeNumber(number);
        } else if (value instanceof Boolean flag) {
          json.writeBoolean(flag);
        } else if (value instanceof OffsetDateTime time) {
          json.writeString(TIME.format(time));
        } else if (value instanceof ByteBuffer bytes) {
          ByteBuffer copy = bytes.duplicate();
          byte[] array = new byte[copy.remaining()];
          copy.get(array);
          json.writeBinary(array);
        } else {
          throw new IllegalArgumentException(
              "No JSON form for column %s of type %s"
                  .formatted(names[i], value.getClass().getName()));
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write an enriched row as JSON", e);
    }
    return buffer.toByteArray();
  }
}
