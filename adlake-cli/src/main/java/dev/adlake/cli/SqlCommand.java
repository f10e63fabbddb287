package dev.adlake.cli;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake sql "..."}: Spark SQL on the lake, printed as a table or CSV. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run Spark SQL on the lake and print the result as a table, or CSV for files.",
      "",
      "Tables are named namespace.table ('adlake tables' lists them); Iceberg's metadata tables",
      "work too, such as raw.adserver__events.snapshots."
    },
    footer = {
      "",
      "Examples:",
      "  adlake sql \"SELECT count(*) FROM raw.adserver__events\"",
      "  adlake sql --limit 10 \"SELECT * FROM reporting.ad_hourly\"",
      "  adlake sql --csv \"SELECT * FROM streams.events\" > events.csv"
    })
final class SqlCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SQL", description = "The query")
  String sql;

  @Option(names = "--csv", description = "Print CSV (RFC 4180, a header line), every row")
  boolean csv;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "Rows printed as a table at most (default: ${DEFAULT-VALUE}); not with --csv")
  int limit;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    PrintWriter out = spec.commandLine().getOut();
    try (PlatformHandle handle = new PlatformHandle(config, status -> {})) {
      Dataset<Row> result;
      try {
        result = handle.platform().spark().sql(sql);
      } catch (Exception e) {
        // Spark's analysis and parse errors are checked exceptions Scala throws undeclared.
        if (e instanceof AnalysisException) {
          throw new InvalidInputException(
              "Cannot run the query: " + e.getMessage().lines().findFirst().orElse(""));
        }
        throw e;
      }
      String[] columns = result.columns();
      if (csv) {
        out.println(csvLine(List.of(columns)));
        result
            .toLocalIterator()
            .forEachRemaining(row -> out.println(csvLine(values(row, columns.length))));
        out.flush();
        return 0;
      }
      List<Row> rows = result.limit(limit + 1).collectAsList();
      List<List<String>> cells = new ArrayList<>();
      for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
        cells.add(values(row, columns.length));
      }
      int[] widths = new int[columns.length];
      for (int i = 0; i < columns.length; i++) {
        widths[i] = columns[i].length();
        for (List<String> line : cells) {
          widths[i] = Math.max(widths[i], Math.min(line.get(i).length(), 60));
        }
      }
      out.println(aligned(List.of(columns), widths));
      for (List<String> line : cells) {
        out.println(aligned(line, widths));
      }
      out.println(
          rows.size() > limit
              ? "(first %d rows; --limit for more, --csv for all)".formatted(limit)
              : "(%d row%s)".formatted(rows.size(), rows.size() == 1 ? "" : "s"));
      out.flush();
    }
    return 0;
  }

  private static List<String> values(Row row, int columns) {
    List<String> values = new ArrayList<>(columns);
    for (int i = 0; i < columns; i++) {
      Object value = row.get(i);
      values.add(
          value == null
              ? ""
              : value instanceof byte[] bytes
                  ? java.util.HexFormat.of().formatHex(bytes)
                  : String.valueOf(value));
    }
    return values;
  }

  private static String aligned(List<String> values, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value.length() > 60) {
        value = value.substring(0, 59) + "…";
      }
      line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", value));
    }
    return line.toString().stripTrailing();
  }

  static String csvLine(List<String> values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (i > 0) {
        line.append(',');
      }
      if (value.contains(",")
          || value.contains("\"")
          || value.contains("\n")
          || value.contains("\r")) {
        line.append('"').append(value.replace("\"", "\"\"")).append('"');
      } else {
        line.append(value);
      }
    }
    return line.toString();
  }
}
