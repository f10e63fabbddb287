package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.spark.flywheel.CleanRoomQuery;
import dev.adlake.spark.flywheel.FlywheelLayout;
import dev.adlake.spark.flywheel.report.Collaboration;
import dev.adlake.spark.flywheel.report.CollaborationSources;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adlake cleanroom}: the collaboration's configured tables, and queries under their rules.
 */
@Command(
    name = "cleanroom",
    mixinStandardHelpOptions = true,
    description = {
      "Query the clean room's tables under the collaboration's analysis rules.",
      "",
      "The collaboration is read from flywheel.collaboration (a JSON file), or from AWS Clean",
      "Rooms when flywheel.membership-id is set. The tables are the clean-room pipeline's",
      "bucketed tables ('adlake pipeline run --only clean-room' builds them)."
    },
    subcommands = {CleanroomCommand.Rules.class, CleanroomCommand.Query.class},
    footer = {
      "",
      "Examples:",
      "  adlake cleanroom rules",
      "  adlake cleanroom query \"SELECT age_range, COUNT(DISTINCT customer_user_id) \\",
      "    FROM part_ibe_01 GROUP BY age_range\""
    })
final class CleanroomCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** {@code adlake cleanroom rules}: each configured table and what its rules allow. */
  @Command(
      name = "rules",
      mixinStandardHelpOptions = true,
      description = {
        "List the configured tables and what their analysis rules allow.",
        "",
        "For each configured table: the catalog table it exposes, the columns a query may group",
        "by, join on and aggregate, and the aggregation threshold."
      })
  static final class Rules implements Callable<Integer> {
    @ParentCommand CleanroomCommand parent;

    @Override
    public Integer call() {
      AdlakeConfig config = parent.root.loadConfig();
      PrintWriter out = parent.spec.commandLine().getOut();
      try (PlatformHandle handle = new PlatformHandle(config, status -> {})) {
        Collaboration collaboration = collaboration(config, handle.platform().spark());
        out.println(describe(collaboration));
        out.flush();
      }
      return 0;
    }
  }

  /** {@code adlake cleanroom query "SQL"}: an analysis run locally under the rules. */
  @Command(
      name = "query",
      mixinStandardHelpOptions = true,
      description = {
        "Run an aggregation query on the configured tables, under their rules.",
        "",
        "The query names configured tables (part_ibe_01), selects the dimension columns it",
        "groups by and the aggregates the rules allow, and may join on join columns. A query",
        "that breaks a rule is refused with the rule, column and table; groups with fewer",
        "distinct users than the threshold are held back and counted, as AWS Clean Rooms does."
      })
  static final class Query implements Callable<Integer> {
    @ParentCommand CleanroomCommand parent;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query")
    String sql;

    @Override
    public Integer call() {
      AdlakeConfig config = parent.root.loadConfig();
      PrintWriter out = parent.spec.commandLine().getOut();
      try (PlatformHandle handle = new PlatformHandle(config, status -> {})) {
        SparkSession spark = handle.platform().spark();
        CleanRoomQuery query =
            new CleanRoomQuery(spark, collaboration(config, spark), FlywheelLayout.CLEANROOM);
        out.print(query.run(sql).render());
        out.flush();
      }
      return 0;
    }
  }

  private static Collaboration collaboration(AdlakeConfig config, SparkSession spark) {
    return CollaborationSources.load(
        FlywheelConfig.of(config), spark.sparkContext().hadoopConfiguration());
  }

  /** The configured tables and their rules, a few lines each. */
  static String describe(Collaboration collaboration) {
    StringBuilder out = new StringBuilder();
    out.append(
        "Collaboration membership %s (%s), %d configured tables%n"
            .formatted(
                collaboration.membershipId(),
                collaboration.region(),
                collaboration.tables().size()));
    for (Collaboration.ConfiguredTable table : collaboration.tables()) {
      out.append(
          "%n%s: %s.%s, %s, %s%n"
              .formatted(
                  table.name(),
                  FlywheelLayout.CLEANROOM,
                  table.catalogTable(),
                  table.status(),
                  table.associationStatus()));
      if (table.analysisRules().isEmpty()) {
        out.append("  %-15s none: no analysis can read it%n".formatted("rule"));
      }
      for (Collaboration.AnalysisRule rule : table.analysisRules()) {
        out.append("  %-15s %s%n".formatted("rule", rule.describe()));
        line(out, "group by", rule.dimensionColumns());
        line(out, "join on", rule.joinColumns());
        line(out, "list", rule.listColumns());
        for (Map.Entry<String, List<String>> aggregate :
            new TreeMap<>(rule.aggregateColumns()).entrySet()) {
          line(out, aggregate.getKey(), aggregate.getValue());
        }
      }
    }
    return out.toString().stripTrailing();
  }

  private static void line(StringBuilder out, String label, List<String> columns) {
    if (!columns.isEmpty()) {
      out.append("  %-15s %s%n".formatted(label, String.join(", ", columns)));
    }
  }
}
