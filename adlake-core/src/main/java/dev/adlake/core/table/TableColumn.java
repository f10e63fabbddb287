package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

/**
 * One column of a table.
 *
 * @param type its SQL type: Spark SQL's for a lake table ({@code BIGINT}, {@code TIMESTAMP}),
 *     PostgreSQL's for a serving table
 */
public record TableColumn(String name, String type, boolean nullable) {
  public TableColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }

  /** The column as DDL writes it: {@code name TYPE [NOT NULL]}. */
  public String ddl() {
    return name + " " + type + (nullable ? "" : " NOT NULL");
  }
}
