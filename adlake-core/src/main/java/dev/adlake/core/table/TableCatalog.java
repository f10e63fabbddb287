package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AlreadyExistsException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.DatasetKind;
import dev.adlake.core.job.JobDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every lake and serving table of the platform, each declared once: the source of the lake's DDL,
 * {@code adlake tables}, the check of the serving store's migrations and retention. Jobs name the
 * tables they read and write; each of those must be declared here.
 */
public final class TableCatalog {
  private final Map<String, TableDefinition> tables = new LinkedHashMap<>();

  /**
   * Declares a table.
   *
   * @throws AlreadyExistsException when a table of that name is declared already
   */
  public TableCatalog add(TableDefinition table) {
    requireNonNull(table, "table is null");
    if (tables.containsKey(table.name())) {
      throw new AlreadyExistsException(
          "Cannot declare table %s twice: it is declared already (owner %s)"
              .formatted(table.name(), tables.get(table.name()).owner().title()));
    }
    tables.put(table.name(), table);
    return this;
  }

  public TableCatalog addAll(List<TableDefinition> tables) {
    tables.forEach(this::add);
    return this;
  }

  /**
   * Keeps a declared table's rows for another time than it declares: a configured retention.
   *
   * @param key the configuration key that asks, named in errors
   * @throws InvalidInputException when no such table is declared, or it has no time column
   */
  public TableCatalog retain(String name, Retention retention, String key) {
    TableDefinition table = tables.get(name);
    if (table == null) {
      throw new InvalidInputException(
          "Cannot apply %s: no table named '%s'; tables: %s"
              .formatted(key, name, String.join(", ", tables.keySet())));
    }
    if (table.timeColumn().isEmpty() && retention.kind() != Retention.Kind.FOREVER) {
      throw new InvalidInputException(
          "Cannot apply %s: table %s has no time column to keep its rows by".formatted(key, name));
    }
    tables.put(name, table.retainedFor(retention));
    return this;
  }

  public Optional<TableDefinition> find(String name) {
    return Optional.ofNullable(tables.get(name));
  }

  /**
   * The table of that name.
   *
   * @throws NotFoundException naming the tables declared
   */
  public TableDefinition get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "No table named '%s'; tables: %s"
                        .formatted(name, String.join(", ", tables.keySet()))));
  }

  /** Every table, in the order declared. */
  public List<TableDefinition> all() {
    return List.copyOf(tables.values());
  }

  public List<TableDefinition> of(TableStore store) {
    return tables.values().stream().filter(table -> table.store() == store).toList();
  }

  /**
   * The lake and serving tables the jobs read or write that are not declared here, as "job X writes
   * table Y"; empty when every one is.
   */
  public List<String> undeclared(List<JobDefinition> jobs) {
    List<String> problems = new ArrayList<>();
    for (JobDefinition job : jobs) {
      for (Dataset dataset : job.reads()) {
        check(job, "reads", dataset, problems);
      }
      for (Dataset dataset : job.writes()) {
        check(job, "writes", dataset, problems);
      }
    }
    return problems;
  }

  private void check(JobDefinition job, String verb, Dataset dataset, List<String> problems) {
    boolean table =
        dataset.kind() == DatasetKind.TABLE || dataset.kind() == DatasetKind.SERVING_TABLE;
    if (!table) {
      return;
    }
    TableStore store = dataset.kind() == DatasetKind.TABLE ? TableStore.LAKE : TableStore.SERVING;
    TableDefinition declared = tables.get(dataset.name());
    if (declared == null) {
      problems.add(
          "job %s %s %s %s, which the table catalog does not declare"
              .formatted(
                  job.name(),
                  verb,
                  store == TableStore.LAKE ? "lake table" : "serving table",
                  dataset.name()));
    } else if (declared.store() != store) {
      problems.add(
          "job %s %s %s as a %s table, but it is declared in the %s"
              .formatted(
                  job.name(), verb, dataset.name(), store.title(), declared.store().title()));
    }
  }
}
