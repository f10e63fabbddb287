package dev.adlake.core.table;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.ExternalFailureException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Holds the migrated serving store to the table catalog: every declared serving table exists with
 * its declared columns, types and nullability. A difference is a bug of adlake (a migration and a
 * declaration that disagree), reported whole.
 */
public final class ServingSchemaCheck {
  /** PostgreSQL's {@code information_schema} names of the types the declarations use. */
  private static final Map<String, String> TYPES =
      Map.of(
          "INT", "integer",
          "BIGINT", "bigint",
          "TEXT", "text",
          "VARCHAR", "character varying",
          "TIMESTAMP", "timestamp without time zone",
          "TIMESTAMPTZ", "timestamp with time zone",
          "BYTEA", "bytea",
          "DATE", "date",
          "BOOLEAN", "boolean",
          "DOUBLE PRECISION", "double precision");

  private ServingSchemaCheck() {}

  /** The differences between the declared serving tables and the database; empty when none. */
  public static List<String> differences(DataSource dataSource, List<TableDefinition> tables) {
    List<String> problems = new ArrayList<>();
    for (TableDefinition table : tables) {
      if (table.store() != TableStore.SERVING || table.family()) {
        continue;
      }
      Map<String, String[]> actual = columns(dataSource, table);
      if (actual.isEmpty()) {
        problems.add("table %s does not exist".formatted(table.name()));
        continue;
      }
      for (TableColumn column : table.columns()) {
        String[] found = actual.remove(column.name());
        String type = TYPES.getOrDefault(column.type().toUpperCase(Locale.ROOT), column.type());
        if (found == null) {
          problems.add("%s has no column %s".formatted(table.name(), column.name()));
        } else if (!found[0].equals(type) || found[1].equals("YES") != column.nullable()) {
          problems.add(
              "%s.%s is %s%s, declared %s%s"
                  .formatted(
                      table.name(),
                      column.name(),
                      found[0],
                      found[1].equals("YES") ? "" : " not null",
                      type,
                      column.nullable() ? "" : " not null"));
        }
      }
      actual
          .keySet()
          .forEach(
              extra ->
                  problems.add("%s has an undeclared column %s".formatted(table.name(), extra)));
    }
    return problems;
  }

  /**
   * @throws AdlakeException an internal error naming every difference
   */
  public static void check(DataSource dataSource, List<TableDefinition> tables) {
    List<String> problems = differences(dataSource, tables);
    if (!problems.isEmpty()) {
      throw new AdlakeException(
          ErrorCategory.INTERNAL_ERROR,
          "The serving store's migrations disagree with the table catalog: "
              + String.join("; ", problems));
    }
  }

  private static Map<String, String[]> columns(DataSource dataSource, TableDefinition table) {
    String sql =
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position";
    Map<String, String[]> columns = new LinkedHashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, table.namespace());
      statement.setString(2, table.name().substring(table.namespace().length() + 1));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.put(rows.getString(1), new String[] {rows.getString(2), rows.getString(3)});
        }
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot read the columns of " + table.name() + ": " + e.getMessage(), e);
    }
    return columns;
  }
}
