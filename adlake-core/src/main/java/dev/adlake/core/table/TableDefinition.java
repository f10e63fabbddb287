package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.job.Domain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A table of the platform, declared once: its name, store, owner domain, columns, partition spec,
 * time column, retention, the columns that hold a user's ids (for erasure), properties and what it
 * holds. The lake's DDL is made from it; a family of tables a job makes at run time ({@code
 * serving.map_*}) is declared by its pattern and has no DDL.
 *
 * @param columns empty when the schema is known only at run time (a feed that infers its columns)
 * @param partitioning Iceberg partition transforms, such as {@code hours(hour)} or {@code region}
 */
public record TableDefinition(
    String name,
    TableStore store,
    Domain owner,
    String description,
    List<TableColumn> columns,
    List<String> partitioning,
    Optional<String> timeColumn,
    Retention retention,
    List<UserColumn> userColumns,
    Map<String, String> properties) {
  public TableDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(store, "store is null");
    requireNonNull(owner, "owner is null");
    requireNonNull(description, "description is null");
    columns = List.copyOf(columns);
    partitioning = List.copyOf(partitioning);
    requireNonNull(timeColumn, "timeColumn is null");
    requireNonNull(retention, "retention is null");
    userColumns = List.copyOf(userColumns);
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    if (!name.matches("[a-z][a-z0-9_]*\\.[a-z0-9_]+\\*?")) {
      throw new IllegalArgumentException(
          "Table name '%s' must be namespace.table in lower case (a family ends in *)"
              .formatted(name));
    }
    List<String> named = new ArrayList<>();
    timeColumn.ifPresent(named::add);
    userColumns.forEach(user -> named.add(user.name()));
    for (String column : named) {
      if (!columns.isEmpty() && columns.stream().noneMatch(c -> c.name().equals(column))) {
        throw new IllegalArgumentException("Table %s has no column %s".formatted(name, column));
      }
    }
    if (retention.kind() != Retention.Kind.FOREVER && timeColumn.isEmpty()) {
      throw new IllegalArgumentException(
          "Table %s keeps rows for %s but names no time column".formatted(name, retention.text()));
    }
  }

  /** A lake table to build on: no partitions, no time column, kept forever, no user column. */
  public static TableDefinition lake(
      String name, Domain owner, String description, List<TableColumn> columns) {
    return declared(name, TableStore.LAKE, owner, description, columns);
  }

  /** A serving table; PostgreSQL's migrations make it. */
  public static TableDefinition serving(
      String name, Domain owner, String description, List<TableColumn> columns) {
    return declared(name, TableStore.SERVING, owner, description, columns);
  }

  private static TableDefinition declared(
      String name, TableStore store, Domain owner, String description, List<TableColumn> columns) {
    return new TableDefinition(
        name,
        store,
        owner,
        description,
        columns,
        List.of(),
        Optional.empty(),
        Retention.FOREVER,
        List.of(),
        Map.of());
  }

  public TableDefinition partitionedBy(String... transforms) {
    return with(List.of(transforms), timeColumn, retention, userColumns, properties);
  }

  /** The column rows are kept by, and for how long. */
  public TableDefinition keptBy(String column, Retention retention) {
    return with(partitioning, Optional.of(column), retention, userColumns, properties);
  }

  /** The same table kept for another time, by its time column. */
  public TableDefinition retainedFor(Retention retention) {
    return with(partitioning, timeColumn, retention, userColumns, properties);
  }

  /** The columns whose every value is a pseudonym of our ids, rewritten when the key rotates. */
  public List<String> pseudonymColumns() {
    return userColumns.stream().filter(UserColumn::pseudonymised).map(UserColumn::name).toList();
  }

  /** A column that holds a user's id, by which a user's rows are found and erased. */
  public TableDefinition withUserColumn(String column) {
    return withUserColumn(UserColumn.id(column));
  }

  /** A column by which a user's rows are found and erased. */
  public TableDefinition withUserColumn(UserColumn column) {
    List<UserColumn> all = new ArrayList<>(userColumns);
    all.add(column);
    return with(partitioning, timeColumn, retention, all, properties);
  }

  /** Whether it holds user-level data: a column names a user, by id, node or text. */
  public boolean holdsUserData() {
    return !userColumns.isEmpty();
  }

  public TableDefinition withProperties(Map<String, String> added) {
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.putAll(added);
    return with(partitioning, timeColumn, retention, userColumns, all);
  }

  /** This table with what the builder methods change; its name, store, owner and columns kept. */
  private TableDefinition with(
      List<String> partitioning,
      Optional<String> timeColumn,
      Retention retention,
      List<UserColumn> userColumns,
      Map<String, String> properties) {
    return new TableDefinition(
        name,
        store,
        owner,
        description,
        columns,
        partitioning,
        timeColumn,
        retention,
        userColumns,
        properties);
  }

  /** Whether it names a family of tables made at run time rather than one table. */
  public boolean family() {
    return name.endsWith("*");
  }

  public String namespace() {
    return name.substring(0, name.indexOf('.'));
  }

  /**
   * The Spark SQL that creates the lake table unless it exists.
   *
   * @throws IllegalStateException for a serving table, a family, or a table of unknown columns
   */
  public String ddl() {
    if (store != TableStore.LAKE || family() || columns.isEmpty()) {
      throw new IllegalStateException("Table %s has no lake DDL".formatted(name));
    }
    StringBuilder sql =
        new StringBuilder("CREATE TABLE IF NOT EXISTS ")
            .append(name)
            .append(" (")
            .append(
                columns.stream()
                    .map(
                        column ->
                            "`"
                                + column.name()
                                + "` "
                                + column.type()
                                + (column.nullable() ? "" : " NOT NULL"))
                    .collect(Collectors.joining(", ")))
            .append(") USING iceberg");
    if (!partitioning.isEmpty()) {
      sql.append(" PARTITIONED BY (").append(String.join(", ", partitioning)).append(')');
    }
    if (!properties.isEmpty()) {
      sql.append(" TBLPROPERTIES (")
          .append(
              properties.entrySet().stream()
                  .map(entry -> "'%s' = '%s'".formatted(entry.getKey(), entry.getValue()))
                  .collect(Collectors.joining(", ")))
          .append(')');
    }
    return sql.toString();
  }
}
