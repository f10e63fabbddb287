package dev.adlake.core.table;

/** Where a table lives: the Iceberg lake or the PostgreSQL serving store. */
public enum TableStore {
  LAKE("Iceberg lake"),
  SERVING("PostgreSQL serving store");

  private final String title;

  TableStore(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}
