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
        case TSV, CSV -> readDelimited(feed, declared, reader, objectKey, sink);
        case JSON -> readJson(feed, declared, reader, objectKey, sink);
        default -> throw new IllegalArgumentException("Not a text format: " + feed.format());
      };
    } catch (ZipException | EOFException e) {
      throw new FileReadException(corrupt(objectKey, e), e);
    } catch (IOException e) {
      throw new FileReadException("Cannot read %s: %s".formatted(objectKey, e.getMessage()), e);
    }
  }

  private static Result readDelimited(
      Feed feed,
      Optional<FeedSchema> declared,
      BufferedReader reader,
      String objectKey,
      RowSink sink)
      throws IOException {
    long lineNumber = 0;
    LineParser parser;
    if (feed.header()) {
      String headerLine = reader.readLine();
      lineNumber++;
      if (headerLine == null) {
        return new Result(declared.orElse(new FeedSchema(List.of())), List.of(), 0);
      }
      parser = LineParser.withHeader(feed, declared.orElse(null), headerLine, objectKey);
    } else {
      parser = LineParser.withoutHeader(feed, declared.orElse(null), objectKey);
    }
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      parser.parse(lineNumber, lineNumber == 1 ? LineParser.stripByteOrderMark(line) : line, sink);
    }
    return new Result(parser.schema(), parser.extraColumns(), lineNumber);
  }

  private static Result readJson(
      Feed feed,
      Optional<FeedSchema> declared,
      BufferedReader reader,
      String objectKey,
      RowSink sink)
      throws IOException {
    long lineNumber = 0;
    String line;
    if (declared.isPresent()) {
      LineParser parser = LineParser.withoutHeader(feed, declared.get(), objectKey);
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        parser.parse(
            lineNumber, lineNumber == 1 ? LineParser.stripByteOrderMark(line) : line, sink);
      }
      return new Result(declared.get(), List.of(), lineNumber);
    }
    // Without a declared schema, the columns are the fields seen, in order of first sight; rows
    // are kept until the end so that every row has every column.
    Set<String> seen = new LinkedHashSet<>();
    List<Map<String, String>> pendingFields = new ArrayList<>();
    List<Long> pendingLines = new ArrayList<>();
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      String text =
          LineParser.stripCarriageReturn(
              lineNumber == 1 ? LineParser.stripByteOrderMark(line) : line);
      if (text.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        sink.reject(lineNumber, text, "not valid JSON: " + e.getOriginalMessage());
        continue;
      }
      if (node == null || !node.isObject()) {
        sink.reject(lineNumber, text, "not a JSON object");
        continue;
      }
      Map<String, String> fields = new java.util.LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String name = field.getKey().toLowerCase();
        seen.add(name);
        fields.put(name, field.getValue().isNull() ? null : LineParser.text(field.getValue()));
      }
      pendingFields.add(fields);
      pendingLines.add(lineNumber);
    }
    FeedSchema schema = LineParser.inferred(List.copyOf(seen));
    for (int r = 0; r < pendingFields.size(); r++) {
      Object[] values = new Object[schema.columns().size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = pendingFields.get(r).get(schema.columns().get(i).name());
      }
      sink.row(pendingLines.get(r), values);
    }
    return new Result(schema, List.of(), lineNumber);
  }

  /** Why a compressed file cannot be read, in words (some decoders give no message). */
  public static String corrupt(String objectKey, IOException e) {
    String what =
        e instanceof EOFException
            ? "it ends before its compressed data does (truncated?)"
            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "Cannot read %s: corrupt %s data: %s"
        .formatted(objectKey, Compression.of(objectKey).name().toLowerCase(), what);
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
        schema = LineParser.inferred(List.copyOf(record.keySet()));
      }
      readRecord(schema, number, record, sink);
    }
    return new Result(
        schema == null ? declared.orElse(new FeedSchema(List.of())) : schema, List.of(), number);
  }

  /**
   * Converts one record of a binary file (its field names lower-cased) to a row of the schema, or
   * rejects it with the reason; the record's text is its raw line.
   *
   * @param number the record's number in its file, from 1
   */
  public static void readRecord(
      FeedSchema schema, long number, Map<String, Object> record, RowSink sink) {
    Object[] values = new Object[schema.columns().size()];
    String reason = null;
    for (int i = 0; i < values.length && reason == null; i++) {
      Column column = schema.columns().get(i);
      reason =
          LineParser.convert(
              column, recordText(record.get(column.name()), column.type()), values, i);
    }
    if (reason != null) {
      sink.reject(number, record.toString(), reason);
    } else {
      sink.row(number, values);
    }
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

  /** Splits one line; for commas, double quotes enclose fields and "" stands for a quote. */
  public static List<String> split(String line, char separator) {
    return LineParser.split(line, separator);
  }
}
