package dev.adlake.core.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that turn one line of a text file into a typed row or a reject naming the field: the
 * same on the driver and in a Spark task, so it is serializable and holds no open resource.
 *
 * <p>For TSV and CSV, the positions of the schema's columns among the line's fields come from the
 * header (when the feed has one) or are the schema's order; for JSON lines, columns are found by
 * name in each object.
 */
public final class LineParser implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileFormat format;
  private final FeedSchema schema;
  private final int[] positions;
  private final int expectedFields;
  private final List<String> extraColumns;

  private LineParser(
      FileFormat format,
      FeedSchema schema,
      int[] positions,
      int expectedFields,
      List<String> extraColumns) {
    this.format = format;
    this.schema = schema;
    this.positions = positions;
    this.expectedFields = expectedFields;
    this.extraColumns = List.copyOf(extraColumns);
  }

  /**
   * The parser of a delimited file with a header line: columns found by name, a required column the
   * header lacks fails the file.
   *
   * @param declared the feed's schema, or null to take every header column as a string
   * @throws FileReadException naming the file and the missing column
   */
  public static LineParser withHeader(
      Feed feed, FeedSchema declared, String headerLine, String objectKey) {
    List<String> header =
        split(stripByteOrderMark(headerLine), separator(feed.format())).stream()
            .map(name -> name.trim().toLowerCase(java.util.Locale.ROOT))
            .toList();
    FeedSchema schema = declared == null ? inferred(header) : declared;
    int[] positions = new int[schema.columns().size()];
    for (int i = 0; i < positions.length; i++) {
      Column column = schema.columns().get(i);
      positions[i] = header.indexOf(column.name());
      if (positions[i] < 0 && column.required()) {
        throw new FileReadException(
            "Cannot load %s: its header lacks the required column %s (header: %s)"
                .formatted(objectKey, column.name(), String.join(",", header)));
      }
    }
    List<String> extra = new ArrayList<>();
    for (String name : header) {
      if (schema.indexOf(name) < 0) {
        extra.add(name);
      }
    }
    return new LineParser(feed.format(), schema, positions, header.size(), extra);
  }

  /**
   * The parser of a file without a header (delimited files in the schema's column order, or JSON
   * lines).
   *
   * @throws FileReadException when a delimited feed has neither a header nor a declared schema
   */
  public static LineParser withoutHeader(Feed feed, FeedSchema declared, String objectKey) {
    if (declared == null) {
      throw new FileReadException(
          "Cannot load %s: feed %s has neither a header nor a declared schema"
              .formatted(objectKey, feed.name()));
    }
    int[] positions = new int[declared.columns().size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    return new LineParser(feed.format(), declared, positions, positions.length, List.of());
  }

  /** The columns every row has, in order. */
  public FeedSchema schema() {
    return schema;
  }

  /** Header columns the schema does not have. */
  public List<String> extraColumns() {
    return extraColumns;
  }

  /**
   * Parses one line: a row or a reject goes to the sink; empty lines are skipped. A trailing
   * carriage return (CRLF files) is not part of the line.
   */
  public void parse(long lineNumber, String line, RowSink sink) {
    String text = stripCarriageReturn(line);
    if (format == FileFormat.JSON ? text.isBlank() : text.isEmpty()) {
      return;
    }
    Object[] values = new Object[schema.columns().size()];
    String reason =
        format == FileFormat.JSON ? fromJson(text, values) : fromDelimited(text, values);
    if (reason != null) {
      sink.reject(lineNumber, text, reason);
    } else {
      sink.row(lineNumber, values);
    }
  }

  private String fromDelimited(String line, Object[] values) {
    List<String> fields;
    try {
      fields = split(line, separator(format));
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    if (fields.size() != expectedFields) {
      return "line has %d fields, expected %d".formatted(fields.size(), expectedFields);
    }
    for (int i = 0; i < values.length; i++) {
      String reason =
          convert(
              schema.columns().get(i), positions[i] < 0 ? "" : fields.get(positions[i]), values, i);
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  private String fromJson(String line, Object[] values) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return "not valid JSON: " + e.getOriginalMessage();
    }
    if (node == null || !node.isObject()) {
      return "not a JSON object";
    }
    for (int i = 0; i < values.length; i++) {
      Column column = schema.columns().get(i);
      JsonNode value = node.get(column.name());
      String reason =
          convert(column, value == null || value.isNull() ? "" : text(value), values, i);
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  static String text(JsonNode value) {
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /** Converts one field into values[i]; returns the reason when it does not fit, else null. */
  static String convert(Column column, String text, Object[] values, int i) {
    if (text.isEmpty()) {
      if (column.required()) {
        return "required field %s is missing".formatted(column.name());
      }
      return null;
    }
    try {
      values[i] = column.type().parse(text);
      return null;
    } catch (IllegalArgumentException e) {
      return "field %s: %s".formatted(column.name(), e.getMessage());
    }
  }

  static FeedSchema inferred(List<String> names) {
    List<Column> columns = new ArrayList<>();
    for (String name : names) {
      columns.add(new Column(name.replaceAll("[^a-z0-9_]", "_"), ColumnType.STRING, false));
    }
    return new FeedSchema(columns);
  }

  static char separator(FileFormat format) {
    return format == FileFormat.CSV ? ',' : '\t';
  }

  /** The line without a UTF-8 byte-order mark at its start (as decoded: U+FEFF). */
  public static String stripByteOrderMark(String line) {
    return !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
  }

  static String stripCarriageReturn(String line) {
    return !line.isEmpty() && line.charAt(line.length() - 1) == '\r'
        ? line.substring(0, line.length() - 1)
        : line;
  }

  /** Splits one line; for commas, double quotes enclose fields and "" stands for a quote. */
  public static List<String> split(String line, char separator) {
    List<String> fields = new ArrayList<>();
    if (separator == '\t') {
      int start = 0;
      for (int i = 0; i < line.length(); i++) {
        if (line.charAt(i) == '\t') {
          fields.add(line.substring(start, i));
          start = i + 1;
        }
      }
      fields.add(line.substring(start));
      return fields;
    }
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.isEmpty()) {
        quoted = true;
      } else if (c == separator) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quoted field is not closed");
    }
    fields.add(field.toString());
    return fields;
  }
}
