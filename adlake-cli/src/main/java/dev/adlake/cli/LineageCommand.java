package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.Lineage;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableLineage;
import dev.adlake.spark.PlatformTables;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adlake lineage}: the data flow of every registered job as a Mermaid flowchart, or one
 * table's way in and out with its catalog entry.
 */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = {
      "Print the data flow of every job as a Mermaid flowchart, or where one table comes from and"
          + " goes.",
      "",
      "Jobs are grouped by domain and datasets by store, drawn from the jobs' own declarations;"
          + " tables holding user-level data (the table catalog names their user column) are"
          + " outlined in red."
    },
    footer = {
      "",
      "Examples:",
      "  adlake lineage --markdown >> docs/lineage.md   for GitHub, or a Mermaid viewer",
      "  adlake lineage | mmdc -i - -o lineage.svg      render with mermaid-cli",
      "  adlake lineage --table identity.user_ids  where it comes from and goes"
    })
final class LineageCommand implements Callable<Integer> {
  @picocli.CommandLine.ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--markdown", description = "Wrap the flowchart in a ```mermaid code block")
  boolean markdown;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description =
          "Show one table: its catalog entry, the jobs that write and read it, and"
              + " every dataset upstream and downstream of it")
  String table;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    List<JobDefinition> jobs = JobsCommand.definitions(config);
    TableCatalog catalog = PlatformTables.catalog(config);
    PrintWriter out = spec.commandLine().getOut();
    if (table != null) {
      print(TableLineage.of(table, jobs, catalog), catalog, out);
    } else {
      Set<String> userData =
          catalog.all().stream()
              .filter(TableDefinition::holdsUserData)
              .map(TableDefinition::name)
              .collect(Collectors.toSet());
      String mermaid = Lineage.mermaid(jobs, userData);
      out.print(markdown ? "```mermaid\n" + mermaid + "```\n" : mermaid);
    }
    out.flush();
    return 0;
  }

  private static void print(TableLineage lineage, TableCatalog catalog, PrintWriter out) {
    TableDefinition table = lineage.table();
    out.printf(
        "%s  (%s, owned by %s)%n", table.name(), table.store().title(), table.owner().title());
    out.printf("  %s%n", table.description());
    out.printf(
        "  partitioned by: %s   time column: %s   retention: %s   user columns: %s%n",
        table.partitioning().isEmpty() ? "-" : String.join(", ", table.partitioning()),
        table.timeColumn().orElse("-"),
        table.retention().text(),
        table.holdsUserData() ? TablesCommand.userColumns(table) : "-");
    out.printf("  written by:  %s%n", jobs(lineage.writers()));
    out.printf("  read by:     %s%n", jobs(lineage.readers()));
    out.printf("  upstream:    %s%n", datasets(lineage.upstream()));
    out.printf("  downstream:  %s%n", datasets(lineage.downstream()));
    List<String> derivedUserData =
        lineage.downstreamTables(catalog).stream()
            .filter(TableDefinition::holdsUserData)
            .map(TableDefinition::name)
            .toList();
    if (table.holdsUserData() || !derivedUserData.isEmpty()) {
      out.printf(
          "  user-level data downstream (an erasure reaches these too): %s%n",
          derivedUserData.isEmpty() ? "none" : String.join(", ", derivedUserData));
    }
  }

  private static String jobs(List<JobDefinition> jobs) {
    return jobs.isEmpty()
        ? "-"
        : jobs.stream()
            .map(job -> job.name() + " (" + job.domain().title() + ")")
            .collect(Collectors.joining(", "));
  }

  private static String datasets(List<Dataset> datasets) {
    return datasets.isEmpty()
        ? "-"
        : datasets.stream()
            .map(d -> d.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + d.name())
            .collect(Collectors.joining(", "));
  }
}
