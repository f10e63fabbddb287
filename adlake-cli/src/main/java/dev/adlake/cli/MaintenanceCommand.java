package dev.adlake.cli;

import dev.adlake.core.job.Unit;
import dev.adlake.core.metadata.JdbcMaintenanceLog;
import dev.adlake.core.metadata.MaintenanceAction;
import dev.adlake.core.run.JobRunner;
import dev.adlake.spark.Platform;
import dev.adlake.spark.maintenance.MaintenancePlan;
import dev.adlake.spark.maintenance.RetentionJob;
import dev.adlake.spark.maintenance.TableUpkeepJob;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake maintenance}: retention and table upkeep, planned, run and looked back on. */
@Command(
    name = "maintenance",
    mixinStandardHelpOptions = true,
    description = {
      "Retention and table upkeep: what they will do next, run them, and what they did.",
      "",
      "Each table's retention is in the table catalog ('adlake tables'), overridden by",
      "tables.<table>.retention; upkeep compacts, rewrites manifests, expires snapshots and",
      "removes orphan files of every lake table (maintenance.* settings)."
    },
    subcommands = {
      MaintenanceCommand.Plan.class,
      MaintenanceCommand.Run.class,
      MaintenanceCommand.History.class
    },
    footer = {
      "",
      "Examples:",
      "  adlake maintenance plan                      what the next run would remove",
      "  adlake maintenance run                       retention, then upkeep",
      "  adlake maintenance run --dry-run --as-of 2027-01-01",
      "  adlake maintenance history --table streams.events"
    })
final class MaintenanceCommand implements Runnable {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = "Say what retention and upkeep would do next, table by table; change nothing.")
  static final class Plan implements Callable<Integer> {
    @ParentCommand MaintenanceCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--as-of", paramLabel = "DAY", description = "Plan as on this day (UTC)")
    LocalDate asOf;

    @Override
    public Integer call() {
      Console console = new Console(spec.commandLine().getOut(), false);
      try (PlatformHandle handle = new PlatformHandle(parent.root.loadConfig(), status -> {})) {
        print(handle.platform(), asOf, console);
      }
      return 0;
    }
  }

  /** The plan as the quickstart and {@code maintenance plan} print it. */
  static void print(Platform platform, LocalDate asOf, Console console) {
    Instant now = asOf == null ? Instant.now() : asOf.atStartOfDay(ZoneOffset.UTC).toInstant();
    List<MaintenancePlan.Step> steps =
        MaintenancePlan.of(
            platform.spark(),
            platform.metadata().dataSource(),
            platform.tables(),
            platform.config(),
            now);
    console.line(
        "  %-40s %-20s %-17s %12s %10s %10s  %s",
        "TABLE OR FOLDER", "POLICY", "NEXT", "ROWS", "FILES", "BYTES", "DETAIL");
    for (MaintenancePlan.Step step : steps) {
      MaintenanceAction action = step.action();
      boolean upkeep = step.policy().equals("upkeep");
      if (upkeep && !action.changesSomething() && !action.detail().matches("^[1-9].*")) {
        continue;
      }
      console.line(
          "  %-40s %-20s %-17s %12s %10s %10s  %s",
          step.target(),
          step.policy(),
          action.action(),
          upkeep ? "-" : Console.count(action.rowsRemoved()),
          Console.count(action.filesRemoved()),
          Unit.BYTES.format(action.bytesRemoved()),
          action.detail());
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Run retention, then table upkeep, as two recorded job runs.")
  static final class Run implements Callable<Integer> {
    @ParentCommand MaintenanceCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--dry-run", description = "List what would go; change nothing")
    boolean dryRun;

    @Option(names = "--as-of", paramLabel = "DAY", description = "Apply retention as on this day")
    LocalDate asOf;

    @Option(names = "--table", paramLabel = "TABLE", description = "Only this table or folder")
    String table;

    @Option(names = "--skip-upkeep", description = "Retention only")
    boolean skipUpkeep;

    @Override
    public Integer call() {
      Console console = new Console(spec.commandLine().getOut(), System.console() != null);
      try (PlatformHandle handle =
          new PlatformHandle(parent.root.loadConfig(), status -> console.line("  " + status))) {
        Map<String, String> retention = new LinkedHashMap<>();
        retention.put(RetentionJob.DRY_RUN.name(), Boolean.toString(dryRun));
        Optional.ofNullable(asOf)
            .ifPresent(day -> retention.put(RetentionJob.AS_OF.name(), day.toString()));
        Optional.ofNullable(table)
            .ifPresent(name -> retention.put(RetentionJob.TABLE.name(), name));
        run(handle.platform(), RetentionJob.NAME, retention, console);
        boolean lakeTable =
            table == null
                || handle.platform().tables().find(table).map(t -> !t.family()).orElse(false)
                    && handle.platform().spark().catalog().tableExists(table);
        if (!skipUpkeep && lakeTable) {
          Map<String, String> upkeep = new LinkedHashMap<>();
          upkeep.put(TableUpkeepJob.DRY_RUN.name(), Boolean.toString(dryRun));
          Optional.ofNullable(table)
              .ifPresent(name -> upkeep.put(TableUpkeepJob.TABLE.name(), name));
          run(handle.platform(), TableUpkeepJob.NAME, upkeep, console);
        }
      }
      return 0;
    }

    private static void run(
        Platform platform, String job, Map<String, String> parameters, Console console) {
      if (!Boolean.parseBoolean(parameters.getOrDefault("dry-run", "false"))) {
        ConsoleAudit.record(platform, "maintenance.run", job, parameters);
      }
      long started = System.nanoTime();
      console.line("%s:", job);
      JobRunner.Outcome outcome = platform.run(job, parameters, line -> console.line("  " + line));
      console.line(
          "Run %d of %s succeeded in %.1f s: %s",
          outcome.runId(),
          job,
          (System.nanoTime() - started) / 1e9,
          RunCommand.describe(outcome.result()));
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "What maintenance did, most recent first, and the bytes reclaimed per table.")
  static final class History implements Callable<Integer> {
    @ParentCommand MaintenanceCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--table", paramLabel = "TABLE", description = "Only this table or folder")
    String table;

    @Option(names = "--limit", paramLabel = "N", description = "Actions shown (default 30)")
    int limit = 30;

    @Override
    public Integer call() {
      Console console = new Console(spec.commandLine().getOut(), false);
      try (PlatformHandle handle = new PlatformHandle(parent.root.loadConfig(), status -> {})) {
        JdbcMaintenanceLog log = new JdbcMaintenanceLog(handle.platform().metadata().dataSource());
        console.line("Reclaimed per table:");
        console.line(
            "  %-40s %12s %10s %8s  %s",
            "TABLE OR FOLDER", "ROWS", "BYTES", "ACTIONS", "LAST (UTC)");
        for (JdbcMaintenanceLog.Reclaimed reclaimed : log.reclaimed()) {
          if (table == null || table.equals(reclaimed.table())) {
            console.line(
                "  %-40s %12s %10s %8d  %s",
                reclaimed.table(),
                Console.count(reclaimed.rowsRemoved()),
                Unit.BYTES.format(reclaimed.netBytes()),
                reclaimed.actions(),
                TIME.format(reclaimed.last()));
          }
        }
        console.blank();
        console.line("Actions:");
        console.line(
            "  %-16s %-6s %-40s %-17s %12s %8s %10s  %s",
            "WHEN (UTC)", "RUN", "TABLE OR FOLDER", "ACTION", "ROWS", "FILES", "BYTES", "DETAIL");
        for (MaintenanceAction action : log.recent(Optional.ofNullable(table), limit)) {
          console.line(
              "  %-16s %-6s %-40s %-17s %12s %8s %10s  %s",
              TIME.format(action.doneAt()),
              action.runId().map(String::valueOf).orElse("-"),
              action.table(),
              action.action(),
              Console.count(action.rowsRemoved()),
              Console.count(action.filesRemoved()),
              Unit.BYTES.format(action.bytesRemoved()),
              action.detail());
        }
      }
      return 0;
    }
  }
}
