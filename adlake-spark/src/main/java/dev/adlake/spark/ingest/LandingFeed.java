package dev.adlake.spark.ingest;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * A feed as it lands: the folder under the landing zone, the file format and typed schema, the
 * columns every row must have, the event-time column, and the lake table it loads into.
 *
 * @param name the feed's name, {@code source-feed}, also the suffix of its load job
 * @param folder the folder under the landing zone, searched recursively
 * @param format {@code tsv}, {@code csv} (with header) or {@code json} (JSON lines)
 * @param eventTime the source column holding event time, renamed {@code event_time} in the table
 * @param table the lake table, {@code raw.source__feed}
 */
public record LandingFeed(
    String name,
    String folder,
    String format,
    StructType schema,
    List<String> required,
    String eventTime,
    String table,
    String description) {
  public LandingFeed {
    requireNonNull(name, "name is null");
    requireNonNull(schema, "schema is null");
    required = List.copyOf(required);
    if (!List.of("tsv", "csv", "json").contains(format)) {
      throw new IllegalArgumentException("Unknown feed format: " + format);
    }
  }

  /** The table rejected rows of this feed are kept in, with their file and reason. */
  public String rejectsTable() {
    return table + "__rejects";
  }

  /** The glob of the feed's files inside its folder. */
  public String fileGlob() {
    return switch (format) {
      case "tsv" -> "*.tsv";
      case "csv" -> "*.csv";
      default -> "*.jsonl";
    };
  }
}
