package dev.adlake.core.feed;

/**
 * What a feed without a declared schema does when a file brings columns its table does not have.
 */
public enum SchemaEvolution {
  /** New columns are added to the table (as strings). */
  ADD_COLUMNS,
  /** Unknown fields are kept as JSON in a {@code _rescued} column. */
  RESCUE,
  /** The file is errored, naming the unknown columns. */
  FAIL
}
