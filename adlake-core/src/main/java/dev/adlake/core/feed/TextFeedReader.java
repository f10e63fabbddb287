package dev.adlake.core.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a TSV, CSV or JSON-lines file of a feed line by line into typed rows, rejecting each line
 * that does not fit with its line number and a reason naming the field.
 *
 * <p>With a header, columns are found by name, so their order may differ from the schema's; a
 * header that lacks a required column fails the file. Empty lines are skipped; an empty field is
 * null.
 */
public final class TextFeedReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a read found: the schema the rows follow and the columns the file had beyond it. */
  public record Result(FeedSchema schema, List<String> extraColumns, long lines) {}

  private TextFeedReader() {}

  /** Opens a file's bytes with the decompression its name tells. */
  public static InputStream decompress(InputStream raw, String fileName) throws IOException {
    return switch (Compression.of(fileName)) {
      case GZIP -> new GZIPInputStream(raw, 1 << 16);
      case ZSTD -> new ZstdInputStream(raw);
      case NONE -> raw;
    };
  }

  /**
   * Reads a file.
   *
   * @param declared the feed's schema, or empty to take the columns from the file (all strings)
   * @throws FileReadException when the file as a whole cannot be read
   */
  public static Result read(
      Feed feed, Optional<FeedSchema> declared, InputStream raw, String objectKey, RowSink sink) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(decompress(raw, objectKey), StandardCharsets.UTF_8), 1 << 16)) {
      return switch (feed.format()) {
        case TSV -> readDelimited(feed, declared, reader, objectKey, '\t', sink);
        case CSV -> readDelimited(feed, declared, reader, objectKey, ',', sink);
        case JSON -> readJson(declared, reader, objectKey, sink);
        default -> throw new IllegalArgumentException("Not a text format: " + feed.format());
      };
    } catch (ZipException | EOFException e) {
      throw new FileReadException(
          "Cannot read %s: corrupt %s data (%s)"
              .formatted(objectKey, Compression.of(objectKey).name().toLowerCase(), e.getMessage()),
          e);
    } catch (IOException e) {
      throw new FileReadException("Cannot read %s: %s".formatted(objectKey, e.getMessage()), e);
    }
  }

  private static Result readDelimited(
      Feed feed,
      Optional<FeedSchema> declared,
      BufferedReader reader,
      String objectKey,
      char separator,
      RowSink sink)
      throws IOException {
    long lineNumber = 0;
    FeedSchema schema;
    int[] positions;
    List<String> extra = new ArrayList<>();
    int expectedFields;
    if (feed.header()) {
      String headerLine = reader.readLine();
      lineNumber++;
      if (headerLine == null) {
        return new Result(declared.orElse(new FeedSchema(List.of())), List.of(), 0);
      }
      List<String> header =
          split(headerLine, separator).stream().map(h -> h.trim().toLowerCase()).toList();
      expectedFields = header.size();
      schema = declared.orElseGet(() -> inferred(header));
      positions = new int[schema.columns().size()];
      for (int i = 0; i < positions.length; i++) {
        Column column = schema.columns().get(i);
        positions[i] = header.indexOf(column.name());
        if (positions[i] < 0 && column.required()) {
          throw new FileReadException(
              "Cannot load %s: its header lacks the required column %s (header: %s)"
                  .formatted(objectKey, column.name(), String.join(",", header)));
        }
      }
      for (String name : header) {
        if (schema.indexOf(name) < 0) {
          extra.add(name);
        }
      }
    } else {
      schema =
          declared.orElseThrow(
              () ->
                  new FileReadException(
                      "Cannot load %s: feed %s has neither a header nor a declared schema"
                          .formatted(objectKey, feed.name())));
      expectedFields = schema.columns().size();
      positions = new int[expectedFields];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = i;
      }
    }

    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isEmpty()) {
        continue;
      }
      List<String> fields;
      try {
        fields = split(line, separator);
      } catch (IllegalArgumentException e) {
        sink.reject(lineNumber, line, e.getMessage());
        continue;
      }
      if (fields.size() != expectedFields) {
        sink.reject(
            lineNumber,
            line,
            "line has %d fields, expected %d".formatted(fields.size(), expectedFields));
        continue;
      }
      Object[] values = new Object[schema.columns().size()];
      String reason = null;
      for (int i = 0; i < values.length && reason == null; i++) {
        Column column = schema.columns().get(i);
        String text = positions[i] < 0 ? "" : fields.get(positions[i]);
        reason = convert(column, text, values, i);
      }
      if (reason != null) {
        sink.reject(lineNumber, line, reason);
      } else {
        sink.row(lineNumber, values);
      }
    }
    return new Result(schema, extra, lineNumber);
  }

  private static Result readJson(
      Optional<FeedSchema> declared, BufferedReader reader, String objectKey, RowSink sink)
      throws IOException {
    // Without a declared schema, the columns are the fields seen, in order of first sight; rows
    // are kept until the end so that every row has every column.
    Set<String> seen = new LinkedHashSet<>();
    List<Map<String, String>> pendingFields = new ArrayList<>();
    List<Long> pendingLines = new ArrayList<>();
    long lineNumber = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        sink.reject(lineNumber, line, "not valid JSON: " + e.getOriginalMessage());
        continue;
      }
      if (node == null || !node.isObject()) {
        sink.reject(lineNumber, line, "not a JSON object");
        continue;
      }
      if (declared.isEmpty()) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          String name = field.getKey().toLowerCase();
          seen.add(name);
          fields.put(name, field.getValue().isNull() ? null : text(field.getValue()));
        }
        pendingFields.add(fields);
        pendingLines.add(lineNumber);
        continue;
      }
      FeedSchema schema = declared.get();
      Object[] values = new Object[schema.columns().size()];
      String reason = null;
      for (int i = 0; i < values.length && reason == null; i++) {
        Column column = schema.columns().get(i);
        JsonNode value = node.get(column.name());
        reason = convert(column, value == null || value.isNull() ? "" : text(value), values, i);
      }
      if (reason != null) {
        sink.reject(lineNumber, line, reason);
      } else {
        sink.row(lineNumber, values);
      }
    }
    if (declared.isPresent()) {
      return new Result(declared.get(), List.of(), lineNumber);
    }
    FeedSchema schema = inferred(List.copyOf(seen));
    for (int r = 0; r < pendingFields.size(); r++) {
      Object[] values = new Object[schema.columns().size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = pendingFields.get(r).get(schema.columns().get(i).name());
      }
      sink.row(pendingLines.get(r), values);
    }
    return new Result(schema, List.of(), lineNumber);
  }

  /**
   * Reads records of a binary format (Avro, Parquet), given as field name to value, by the same
   * rules as text: typed by the declared schema, or all columns as strings from the first record's
   * fields. A record's number stands for its line.
   */
  public static Result readRecords(
      Optional<FeedSchema> declared, Iterator<Map<String, Object>> records, RowSink sink) {
    FeedSchema schema = declared.orElse(null);
    long number = 0;
    while (records.hasNext()) {
      Map<String, Object> record = records.next();
      number++;
      if (schema == null) {
        schema = inferred(List.copyOf(record.keySet()));
      }
      Object[] values = new Object[schema.columns().size()];
      String reason = null;
      for (int i = 0; i < values.length && reason == null; i++) {
        Column column = schema.columns().get(i);
        reason = convert(column, recordText(record.get(column.name()), column.type()), values, i);
      }
      if (reason != null) {
        sink.reject(number, record.toString(), reason);
      } else {
        sink.row(number, values);
      }
    }
    return new Result(
        schema == null ? declared.orElse(new FeedSchema(List.of())) : schema, List.of(), number);
  }

  /** A binary value as the text the column's parser reads; epoch millis stand for timestamps. */
  private static String recordText(Object value, ColumnType type) {
    if (value == null) {
      return "";
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toInstant().toString();
    }
    if (value instanceof java.util.Date date && !(value instanceof java.sql.Date)) {
      return date.toInstant().toString();
    }
    if (type == ColumnType.TIMESTAMP && value instanceof Long millis) {
      return java.time.Instant.ofEpochMilli(millis).toString();
    }
    return value.toString();
  }

  private static String text(JsonNode value) {
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /** Converts one field into values[i]; returns the reason when it does not fit, else null. */
  private static String convert(Column column, String text, Object[] values, int i) {
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

  private static FeedSchema inferred(List<String> names) {
    List<Column> columns = new ArrayList<>();
    for (String name : names) {
      columns.add(new Column(name.replaceAll("[^a-z0-9_]", "_"), ColumnType.STRING, false));
    }
    return new FeedSchema(columns);
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
