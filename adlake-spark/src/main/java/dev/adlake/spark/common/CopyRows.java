package dev.adlake.spark.common;

import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Iterator;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Streams Spark rows into a PostgreSQL table with {@code COPY ... FROM STDIN} in text format,
 * inside the caller's transaction: the fast way in, a few hundred thousand rows a second. Public
 * for the jobs of other packages that publish lake tables to the serving store.
 */
public final class CopyRows {
  private static final HexFormat HEX = HexFormat.of();

  private CopyRows() {}

  /** How one column of a row is written. */
  public interface Value {
    void write(Row row, Writer out) throws IOException;
  }

  /**
   * @param progress receives a line when the copy is done
   * @return the number of rows copied
   */
  public static long copy(
      java.util.function.Consumer<String> progress,
      Connection connection,
      String table,
      String columns,
      Iterator<Row> rows,
      Value... values)
      throws SQLException {
    long started = System.nanoTime();
    CopyManager copies = connection.unwrap(PGConnection.class).getCopyAPI();
    String sql = "COPY %s (%s) FROM STDIN".formatted(table, columns);
    long count = 0;
    try (PGCopyOutputStream stream = new PGCopyOutputStream(copies.copyIn(sql), 1 << 16);
        Writer out =
            new java.io.BufferedWriter(
                new java.io.OutputStreamWriter(stream, java.nio.charset.StandardCharsets.UTF_8),
                1 << 16)) {
      while (rows.hasNext()) {
        Row row = rows.next();
        for (int i = 0; i < values.length; i++) {
          if (i > 0) {
            out.write('\t');
          }
          values[i].write(row, out);
        }
        out.write('\n');
        count++;
      }
    } catch (IOException e) {
      throw new SQLException("Cannot copy rows into " + table + ": " + e.getMessage(), e);
    }
    progress.accept(
        "copied %,d rows into %s (%.1f s)"
            .formatted(count, table, (System.nanoTime() - started) / 1e9));
    return count;
  }

  public static Value number(String column) {
    return (row, out) -> {
      int index = row.fieldIndex(column);
      out.write(row.isNullAt(index) ? "\\N" : String.valueOf(row.get(index)));
    };
  }

  public static Value text(String column) {
    return (row, out) -> {
      int index = row.fieldIndex(column);
      out.write(row.isNullAt(index) ? "\\N" : escape(row.getString(index)));
    };
  }

  public static Value constant(String value) {
    return (row, out) -> out.write(value);
  }

  public static Value bytes(String column) {
    return (row, out) -> {
      int index = row.fieldIndex(column);
      if (row.isNullAt(index)) {
        out.write("\\N");
      } else {
        out.write("\\\\x");
        out.write(HEX.formatHex((byte[]) row.get(index)));
      }
    };
  }

  /** A timestamp in UTC, for both {@code timestamp} and {@code timestamptz} columns. */
  public static Value utc(String column) {
    return (row, out) -> {
      int index = row.fieldIndex(column);
      if (row.isNullAt(index)) {
        out.write("\\N");
        return;
      }
      out.write(LocalDateTime.ofInstant(instant(row.get(index)), ZoneOffset.UTC).toString());
      out.write("+00");
    };
  }

  public static Value day(String column) {
    return (row, out) -> {
      int index = row.fieldIndex(column);
      Object value = row.get(index);
      out.write(
          value == null
              ? "\\N"
              : value instanceof java.sql.Date date
                  ? date.toLocalDate().toString()
                  : ((LocalDate) value).toString());
    };
  }

  static Instant instant(Object value) {
    return value instanceof Timestamp timestamp ? timestamp.toInstant() : (Instant) value;
  }

  private static String escape(String value) {
    StringBuilder escaped = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> escaped.append("\\\\");
        case '\t' -> escaped.append("\\t");
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
