package dev.adlake.core.feed;

/** Receives what a reader makes of a file: typed rows and rejected lines, in file order. */
public interface RowSink {
  /**
   * A row that parsed.
   *
   * @param line 1-based line number in the file (row number for binary formats)
   * @param values one value per schema column, null where the field is empty
   */
  void row(long line, Object[] values);

  /** A line that did not parse, with the reason naming the field. */
  void reject(long line, String raw, String reason);
}
