package dev.adlake.spark.flywheel;

import dev.adlake.core.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which source columns go to which output table, as the design's {@code
 * omc_flywheel_infobase_table_split_lowercase.csv} says: a header {@code
 * table_name,column_name[,source_table]}, then one line per output column. Names are lower-cased; a
 * source table is the output table of the same name unless the third column names another, so one
 * source may be split into several tables.
 */
record ColumnMapping(String location, Map<String, Output> outputs) {
  /** One output table: its source table and its columns, lower case, in the mapping's order. */
  record Output(String table, String source, List<String> columns, Map<String, Integer> lines) {}

  /**
   * Parses the mapping's text.
   *
   * @param location the file's location, named in errors
   * @throws InvalidInputException naming the file, line and field of what is wrong
   */
  static ColumnMapping parse(String location, String text) {
    String[] lines = text.split("\r?\n");
    if (lines.length == 0 || lines[0].isBlank()) {
      throw new InvalidInputException("Column mapping %s is empty".formatted(location));
    }
    List<String> header =
        List.of(lines[0].trim().toLowerCase(Locale.ROOT).replace("\ufeff", "").split("\\s*,\\s*"));
    int table = header.indexOf("table_name");
    int column = header.indexOf("column_name");
    int source = header.indexOf("source_table");
    if (table < 0 || column < 0) {
      throw new InvalidInputException(
          "Column mapping %s, line 1: the header must name table_name and column_name (and"
                  .formatted(location)
              + " optionally source_table); it is '%s'".formatted(lines[0].trim()));
    }
    Map<String, String> sources = new LinkedHashMap<>();
    Map<String, List<String>> columns = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> lineOf = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] fields = lines[i].split(",", -1);
      int lineNumber = i + 1;
      String tableName = field(fields, table, location, lineNumber, "table_name");
      String columnName = field(fields, column, location, lineNumber, "column_name");
      String sourceName =
          source >= 0 && source < fields.length && !fields[source].isBlank()
              ? fields[source].trim().toLowerCase(Locale.ROOT)
              : tableName;
      if (!tableName.matches("[a-z][a-z0-9_]*")) {
        throw new InvalidInputException(
            "Column mapping %s, line %d, table_name: '%s' is not a table name (letters, digits, _)"
                .formatted(location, lineNumber, tableName));
      }
      String previous = sources.putIfAbsent(tableName, sourceName);
      if (previous != null && !previous.equals(sourceName)) {
        throw new InvalidInputException(
            "Column mapping %s, line %d, source_table: table %s is mapped from %s already; an"
                    .formatted(location, lineNumber, tableName, previous)
                + " output table has one source");
      }
      List<String> tableColumns = columns.computeIfAbsent(tableName, name -> new ArrayList<>());
      if (tableColumns.contains(columnName)) {
        throw new InvalidInputException(
            "Column mapping %s, line %d, column_name: %s.%s is mapped twice"
                .formatted(location, lineNumber, tableName, columnName));
      }
      tableColumns.add(columnName);
      lineOf.computeIfAbsent(tableName, name -> new LinkedHashMap<>()).put(columnName, lineNumber);
    }
    if (columns.isEmpty()) {
      throw new InvalidInputException(
          "Column mapping %s maps no column: it has a header and no lines".formatted(location));
    }
    Map<String, Output> outputs = new LinkedHashMap<>();
    columns.forEach(
        (name, cols) ->
            outputs.put(name, new Output(name, sources.get(name), cols, lineOf.get(name))));
    return new ColumnMapping(location, outputs);
  }

  private static String field(String[] fields, int index, String location, int line, String name) {
    if (index >= fields.length || fields[index].isBlank()) {
      throw new InvalidInputException(
          "Column mapping %s, line %d: %s is missing".formatted(location, line, name));
    }
    return fields[index].trim().toLowerCase(Locale.ROOT);
  }
}
