package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.DatasetKind;
import dev.adlake.core.job.JobDefinition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Where one declared table comes from and where it goes: the jobs that write and read it, every
 * dataset upstream of it (through the jobs that write it, transitively) and every dataset
 * downstream (through the jobs that read it), with the table's catalog entry. Retention and erasure
 * use the downstream tables to see what a change to this one reaches.
 *
 * @param upstream nearest first; landing files, topics and external sources included
 * @param downstream nearest first; views and the API included
 */
public record TableLineage(
    TableDefinition table,
    List<JobDefinition> writers,
    List<JobDefinition> readers,
    List<Dataset> upstream,
    List<Dataset> downstream) {
  public TableLineage {
    requireNonNull(table, "table is null");
    writers = List.copyOf(writers);
    readers = List.copyOf(readers);
    upstream = List.copyOf(upstream);
    downstream = List.copyOf(downstream);
  }

  /**
   * The lineage of a declared table among the jobs.
   *
   * @throws dev.adlake.core.NotFoundException when the catalog declares no such table
   */
  public static TableLineage of(String name, List<JobDefinition> jobs, TableCatalog catalog) {
    TableDefinition table = catalog.get(name);
    Dataset dataset = dataset(table);
    return new TableLineage(
        table,
        jobs.stream().filter(job -> job.writes().contains(dataset)).toList(),
        jobs.stream().filter(job -> job.reads().contains(dataset)).toList(),
        walk(dataset, jobs, JobDefinition::writes, JobDefinition::reads),
        walk(dataset, jobs, JobDefinition::reads, JobDefinition::writes));
  }

  /** The tables downstream of this one that the catalog declares: what derives from it. */
  public List<TableDefinition> downstreamTables(TableCatalog catalog) {
    return downstream.stream()
        .filter(d -> d.kind() == DatasetKind.TABLE || d.kind() == DatasetKind.SERVING_TABLE)
        .flatMap(d -> catalog.find(d.name()).stream())
        .toList();
  }

  /** The dataset by which jobs name the table. */
  public static Dataset dataset(TableDefinition table) {
    return table.store() == TableStore.LAKE
        ? Dataset.table(table.name())
        : Dataset.servingTable(table.name());
  }

  /**
   * Breadth first from the dataset: through each job whose {@code via} side holds a dataset
   * reached, to the datasets on its {@code next} side.
   */
  private static List<Dataset> walk(
      Dataset start,
      List<JobDefinition> jobs,
      Function<JobDefinition, List<Dataset>> via,
      Function<JobDefinition, List<Dataset>> next) {
    Set<Dataset> seen = new LinkedHashSet<>();
    Deque<Dataset> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      Dataset dataset = queue.removeFirst();
      for (JobDefinition job : jobs) {
        if (via.apply(job).contains(dataset)) {
          for (Dataset found : next.apply(job)) {
            if (!found.equals(start) && seen.add(found)) {
              queue.addLast(found);
            }
          }
        }
      }
    }
    return new ArrayList<>(seen);
  }
}
