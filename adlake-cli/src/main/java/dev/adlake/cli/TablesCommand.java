package dev.adlake.cli;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.PlatformTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.apache.iceberg.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake tables}: every lake and serving table, with its size, rows and retention. */
@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = {
      "List every lake and serving table with its owner, size, rows, last snapshot and retention.",
      "",
      "Each table is declared once, in the table catalog: its schema, partitioning, time column,",
      "retention and owner domain. Name a table to see its columns and description."
    },
    footer = {
      "",
      "Examples:",
      "  adlake tables",
      "  adlake tables --store serving",
      "  adlake tables reporting.ad_hourly     its columns, partitioning and retention"
    })
final class TablesCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "TABLE", description = "Describe this table")
  String table;

  @Option(names = "--store", paramLabel = "STORE", description = "Only lake or serving tables")
  String store;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), false);
    if (table != null) {
      describe(PlatformTables.catalog(config).get(table), console);
      return 0;
    }
    try (PlatformHandle handle = new PlatformHandle(config, status -> {})) {
      Platform platform = handle.platform();
      List<TableDefinition> tables =
          platform.tables().all().stream()
              .filter(
                  definition ->
                      store == null || definition.store().name().equalsIgnoreCase(store.trim()))
              .toList();
      console.line(
          "%-46s %-8s %-22s %-24s %-22s %12s %10s  %s",
          "TABLE",
          "STORE",
          "OWNER",
          "PARTITIONED BY",
          "RETENTION",
          "ROWS",
          "SIZE",
          "LAST SNAPSHOT (UTC)");
      for (TableDefinition definition : tables) {
        String[] figures =
            definition.store() == TableStore.LAKE
                ? lake(platform, definition)
                : serving(platform.metadata().dataSource(), definition);
        console.line(
            "%-46s %-8s %-22s %-24s %-22s %12s %10s  %s",
            definition.name(),
            definition.store().name().toLowerCase(Locale.ROOT),
            definition.owner().title(),
            definition.partitioning().isEmpty()
                ? "-"
                : String.join(", ", definition.partitioning()),
            definition.retention().text()
                + definition.timeColumn().map(column -> " by " + column).orElse(""),
            figures[0],
            figures[1],
            figures[2]);
      }
    }
    return 0;
  }

  /** The columns holding user-level data, with how each matches when not by id. */
  static String userColumns(TableDefinition table) {
    return table.userColumns().stream()
        .map(
            column ->
                column.pseudonymised()
                    ? column.name() + " (pseudonym)"
                    : column.match() == dev.adlake.core.table.UserColumn.Match.ID
                        ? column.name()
                        : column.name()
                            + " ("
                            + column.match().name().toLowerCase(Locale.ROOT)
                            + ")")
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** Rows, size and last snapshot of a lake table, from its current snapshot's summary. */
  private static String[] lake(Platform platform, TableDefinition definition) {
    if (definition.family() || !platform.spark().catalog().tableExists(definition.name())) {
      return new String[] {"-", "-", "not created yet"};
    }
    Snapshot snapshot = LakeTables.load(platform.spark(), definition.name()).currentSnapshot();
    if (snapshot == null) {
      return new String[] {"0", "0 B", "no snapshot yet"};
    }
    Map<String, String> summary = snapshot.summary();
    return new String[] {
      Console.count(Long.parseLong(summary.getOrDefault("total-records", "0"))),
      bytes(Long.parseLong(summary.getOrDefault("total-files-size", "0"))),
      TIME.format(Instant.ofEpochMilli(snapshot.timestampMillis()))
          + " ("
          + snapshot.snapshotId()
          + ")"
    };
  }

  /** Rows and size on disk (with its partitions and indexes) of a serving table. */
  private static String[] serving(DataSource dataSource, TableDefinition definition) {
    if (definition.family()) {
      return new String[] {"-", "-", "-"};
    }
    // A partitioned table keeps its rows in its partitions, a plain one in itself.
    String sql =
        ("SELECT (SELECT count(*) FROM %s), greatest(coalesce((SELECT"
                + " sum(pg_total_relation_size(relid)) FROM pg_partition_tree(?::regclass)), 0),"
                + " pg_total_relation_size(?::regclass))")
            .formatted(definition.name());
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, definition.name());
      statement.setString(2, definition.name());
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return new String[] {Console.count(result.getLong(1)), bytes(result.getLong(2)), "-"};
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot measure " + definition.name() + ": " + e.getMessage(), e);
    }
  }

  private static void describe(TableDefinition table, Console console) {
    console.line("%s (%s, owner: %s)", table.name(), table.store().title(), table.owner().title());
    console.line("  %s", table.description());
    console.line(
        "  partitioned by: %s",
        table.partitioning().isEmpty() ? "-" : String.join(", ", table.partitioning()));
    console.line(
        "  retention:      %s%s",
        table.retention().text(), table.timeColumn().map(column -> " by " + column).orElse(""));
    if (table.holdsUserData()) {
      console.line(
          "  user columns:   %s (rows of a user are found and erased by them)", userColumns(table));
    }
    if (!table.properties().isEmpty()) {
      console.line("  properties:     %s", table.properties());
    }
    if (table.columns().isEmpty()) {
      console.line("  columns:        known at the first load (the feed infers its schema)");
    }
    for (TableColumn column : table.columns()) {
      console.line(
          "    %-28s %-20s %s", column.name(), column.type(), column.nullable() ? "" : "not null");
    }
  }

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
