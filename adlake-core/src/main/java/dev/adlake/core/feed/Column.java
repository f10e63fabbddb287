package dev.adlake.core.feed;

import static java.util.Objects.requireNonNull;

/**
 * A column of a feed: its name, type, whether every row must have it, and for decimals the
 * precision and scale.
 */
public record Column(String name, ColumnType type, boolean required, int precision, int scale)
    implements java.io.Serializable {
  public Column {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }

  public Column(String name, ColumnType type, boolean required) {
    this(name, type, required, 18, 4);
  }
}
