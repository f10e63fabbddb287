package dev.adlake.spark.ingestion;

import dev.adlake.core.feed.TextFeedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The records of a whole Avro or Parquet file in a Spark task, one at a time, each a map of its
 * fields (names lower-cased) to Java values that {@link TextFeedReader#readRecord} converts; keeps
 * the CRC-32C of the file's bytes.
 */
abstract class RecordSource implements Closeable {
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  /** The next record, or null at the end. */
  abstract Map<String, Object> next() throws IOException;

  /** The CRC-32C of the file's bytes, once every record was read. */
  abstract int checksum() throws IOException;

  static RecordSource open(FileSplit split, Configuration hadoop) throws IOException {
    Path path = new Path(URI.create(split.uri()));
    FileSystem fs = path.getFileSystem(hadoop);
    return switch (split.format()) {
      case AVRO -> new Avro(split.key(), fs.open(path));
      case PARQUET -> new Parquet(split.key(), path, fs, hadoop);
      default -> throw new IllegalArgumentException("not a binary format: " + split.format());
    };
  }

  /** An Avro container file, read as a stream (compressed as its name says, if it is). */
  private static final class Avro extends RecordSource {
    private final String key;
    private final CRC32C crc = new CRC32C();
    private final CheckedInputStream raw;
    private final DataFileStream<GenericRecord> records;

    Avro(String key, InputStream in) throws IOException {
      this.key = key;
      this.raw = new CheckedInputStream(in, crc);
      try {
        this.records =
            new DataFileStream<>(
                TextFeedReader.decompress(raw, key), new GenericDatumReader<GenericRecord>());
      } catch (IOException | AvroRuntimeException e) {
        raw.close();
        throw invalid(key, "Avro", e);
      }
    }

    @Override
    Map<String, Object> next() throws IOException {
      try {
        if (!records.hasNext()) {
          return null;
        }
        GenericRecord record = records.next();
        Map<String, Object> fields = new LinkedHashMap<>();
        for (org.apache.avro.Schema.Field field : record.getSchema().getFields()) {
          fields.put(field.name().toLowerCase(Locale.ROOT), record.get(field.pos()));
        }
        return fields;
      } catch (AvroRuntimeException e) {
        throw invalid(key, "Avro", e);
      }
    }

    @Override
    int checksum() throws IOException {
      raw.transferTo(java.io.OutputStream.nullOutputStream());
      return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
      records.close();
    }
  }

  /** A Parquet file, read by row group; its checksum by one more pass over its bytes. */
  private static final class Parquet extends RecordSource {
    private final String key;
    private final Path path;
    private final FileSystem fs;
    private final ParquetReader<Group> reader;

    Parquet(String key, Path path, FileSystem fs, Configuration hadoop) throws IOException {
      this.key = key;
      this.path = path;
      this.fs = fs;
      try {
        this.reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(hadoop).build();
      } catch (IOException | RuntimeException e) {
        throw invalid(key, "Parquet", e);
      }
    }

    @Override
    Map<String, Object> next() throws IOException {
      Group group;
      try {
        group = reader.read();
      } catch (IOException | RuntimeException e) {
        throw invalid(key, "Parquet", e);
      }
      if (group == null) {
        return null;
      }
      GroupType type = group.getType();
      Map<String, Object> fields = new LinkedHashMap<>();
      for (int i = 0; i < type.getFieldCount(); i++) {
        fields.put(type.getFieldName(i).toLowerCase(Locale.ROOT), value(group, i, type.getType(i)));
      }
      return fields;
    }

    @Override
    int checksum() throws IOException {
      CRC32C crc = new CRC32C();
      try (InputStream in = new CheckedInputStream(fs.open(path), crc)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  /** A field's value as Spark's Parquet reader would give it: dates, instants, decimals, text. */
  static Object value(Group group, int field, Type type) {
    if (group.getFieldRepetitionCount(field) == 0) {
      return null;
    }
    if (!type.isPrimitive()) {
      return group.getGroup(field, 0).toString();
    }
    PrimitiveType primitive = type.asPrimitiveType();
    LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
    return switch (primitive.getPrimitiveTypeName()) {
      case BOOLEAN -> group.getBoolean(field, 0);
      case FLOAT -> group.getFloat(field, 0);
      case DOUBLE -> group.getDouble(field, 0);
      case INT32 -> {
        int value = group.getInteger(field, 0);
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          yield LocalDate.ofEpochDay(value);
        }
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
          yield BigDecimal.valueOf(value, decimal.getScale());
        }
        yield value;
      }
      case INT64 -> {
        long value = group.getLong(field, 0);
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
          yield switch (timestamp.getUnit()) {
            case MILLIS -> Instant.ofEpochMilli(value);
            case MICROS ->
                Instant.ofEpochSecond(
                    Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
            case NANOS ->
                Instant.ofEpochSecond(
                    Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
          };
        }
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
          yield BigDecimal.valueOf(value, decimal.getScale());
        }
        yield value;
      }
      case INT96 -> {
        // Nanoseconds of the day, then the Julian day, little-endian: Spark's and Hive's old form.
        ByteBuffer bytes = group.getInt96(field, 0).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanos = bytes.getLong();
        long day = bytes.getInt() - JULIAN_EPOCH_DAY;
        yield Instant.ofEpochSecond(day * 86_400L).plusNanos(nanos);
      }
      case BINARY, FIXED_LEN_BYTE_ARRAY -> {
        Binary value = group.getBinary(field, 0);
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
          yield new BigDecimal(new BigInteger(value.getBytes()), decimal.getScale());
        }
        if (logical == null
            || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          yield value.toStringUsingUTF8();
        }
        yield Base64.getEncoder().encodeToString(value.getBytes());
      }
    };
  }

  private static IOException invalid(String key, String format, Exception e) {
    return new IOException(
        "Cannot read %s: not a valid %s file (%s)".formatted(key, format, e.getMessage()), e);
  }
}
