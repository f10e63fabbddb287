package dev.adlake.core.feed;

/** How a feed's files change its table. */
public enum LoadMode {
  /** Each file adds rows. */
  APPEND,
  /** A file holds the whole table: it starts a new generation that replaces the previous one. */
  FULL_SNAPSHOT,
  /** A file holds inserts, updates and deletes applied in order to the current state. */
  CHANGE_RECORDS,
  /**
   * Files sit in {@code snapshot_dt=YYYY-MM-DD/} folders; the latest (or a chosen) one is the
   * table.
   */
  DATED_SNAPSHOT
}
