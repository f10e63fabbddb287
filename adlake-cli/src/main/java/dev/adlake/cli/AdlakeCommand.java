package dev.adlake.cli;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code adlake} command: the entry point of every subcommand. */
@Command(
    name = "adlake",
    mixinStandardHelpOptions = true,
    version = "adlake 0.1.0-SNAPSHOT",
    description = {
      "The open platform for advertising data.",
      "",
      "adlake lands ad events from partner files and Kafka, keeps them as Apache Iceberg",
      "tables and builds metrics, identity, segments and reports on them.",
      ""
    },
    subcommands = {
      QuickstartCommand.class,
      GenerateCommand.class,
      ProduceCommand.class,
      IngestCommand.class,
      BridgeCommand.class,
      ArchiveCommand.class,
      LoadsCommand.class,
      MetricsCommand.class,
      EnrichCommand.class,
      ServeCommand.class,
      RunCommand.class,
      SubmitCommand.class,
      PipelineCommand.class,
      SchedulerCommand.class,
      BackfillCommand.class,
      MaintenanceCommand.class,
      EraseCommand.class,
      PseudonymsCommand.class,
      JobsCommand.class,
      TablesCommand.class,
      SqlCommand.class,
      CleanroomCommand.class,
      RunsCommand.class,
      MonitorCommand.class,
      TokensCommand.class,
      AuditCommand.class,
      DoctorCommand.class,
      LineageCommand.class,
      ConfigCommand.class,
      BenchCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  adlake quickstart                   run the whole pipeline on a generated day",
      "  adlake generate --events 1000000    land a day of synthetic ad data",
      "  adlake produce --events 100000      send tracker events and bid requests",
      "  adlake ingest                       load what landed, each file once",
      "  adlake bridge --once                batch feeds' Kafka topics into files",
      "  adlake archive --once               copy Kafka topics into the lake, by hour",
      "  adlake loads --status errored       files that failed, with the reason",
      "  adlake metrics --watch              keep the serving store up to date",
      "  adlake enrich                       enrich the Kafka event streams",
      "  adlake serve                        the dashboard and HTTP API",
      "  adlake run ingest-adserver-events   run one job",
      "  adlake submit user-ids-mapper       run one job on the cluster (spark-submit)",
      "  adlake pipeline run                 every job, in the order its datasets imply",
      "  adlake scheduler                    run the configured cron schedules",
      "  adlake backfill ad-metrics --from 2026-11-01 --to 2026-11-07",
      "  adlake --home /data/adlake runs     list recent runs of another home",
      "  adlake monitor                      jobs, feeds and freshness at a glance",
      "  adlake tokens create grafana        a read token of the HTTP API",
      "  adlake doctor                       what to fix before others reach it",
      "  adlake tables                       every table, its size, rows and retention",
      "  adlake maintenance plan             what retention and upkeep would do next",
      "  adlake erase --user ID              erase a user's rows, with a proof",
      "  adlake cleanroom rules              what the clean room's analysis rules allow",
      "  adlake sql \"SELECT count(*) FROM raw.adserver__events\"",
      "  adlake help generate                help of one subcommand",
      "",
      "Configuration: adlake.yaml (or --config), ADLAKE_* environment variables, --set key=value.",
      "",
      "Exit codes: 0 done, 1 internal error, 2 invalid input or configuration, 3 external failure."
    })
public final class AdlakeCommand implements Runnable {
  /** Set when Ctrl-C stops the process: errors of the work cut short are then not reported. */
  static volatile boolean stopping;

  @Option(
      names = "--home",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description =
          "Home folder for data, logs and embedded services (default: ADLAKE_HOME or ./.adlake)")
  Path home;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Configuration file (default: ADLAKE_CONFIG or ./adlake.yaml when present)")
  Path configFile;

  @Option(
      names = "--set",
      scope = ScopeType.INHERIT,
      paramLabel = "KEY=VALUE",
      description = "Override a configuration key; repeatable. Beats environment and file.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Show informational logs on the console (always written to the log file)")
  boolean verbose;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** Loads and validates the configuration from the flags, the environment and the file. */
  AdlakeConfig loadConfig() {
    return loadConfig(Map.of());
  }

  /** Loads the configuration with {@code settings} beating every other source, as --set does. */
  AdlakeConfig loadConfig(Map<String, String> settings) {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    all.putAll(settings);
    return ConfigLoader.load(
        ConfigLoader.Request.fromProcess(
            Optional.ofNullable(home), Optional.ofNullable(configFile), all));
  }

  /** Builds the command line with error handling that maps error categories to exit codes. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new AdlakeCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    HelpText.reflow(commandLine);
    commandLine.setUsageHelpAutoWidth(true);
    commandLine.setExecutionExceptionHandler(
        (exception, command, parseResult) -> {
          AdlakeCommand root = command.getCommandSpec().root().commandLine().getCommand();
          if (stopping) {
            return 130;
          }
          if (exception instanceof AdlakeException adlake) {
            err.println("Error: " + adlake.getMessage());
            if (root.verbose && adlake.getCause() != null) {
              adlake.getCause().printStackTrace(err);
            }
            err.flush();
            return adlake.category().exitCode();
          }
          err.println("Internal error: " + exception);
          exception.printStackTrace(err);
          err.flush();
          return 1;
        });
    return commandLine;
  }

  public static void main(String[] args) {
    prepareProcess(args);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int exitCode = commandLine(out, err).execute(args);
    System.exit(exitCode);
  }

  /**
   * Sets what must be known before any library starts: the log folder and console level (log4j
   * reads them once) and a temporary folder under the home.
   */
  static void prepareProcess(String[] args) {
    String homeText = System.getenv(ConfigLoader.HOME_VARIABLE);
    boolean verbose = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--home") && i + 1 < args.length) {
        homeText = args[i + 1];
      } else if (args[i].startsWith("--home=")) {
        homeText = args[i].substring("--home=".length());
      } else if (args[i].equals("-v") || args[i].equals("--verbose")) {
        verbose = true;
      }
    }
    Path home =
        (homeText == null ? ConfigLoader.DEFAULT_HOME : Path.of(homeText))
            .toAbsolutePath()
            .normalize();
    System.setProperty("adlake.log.dir", home.resolve("logs").toString());
    System.setProperty("adlake.console.level", verbose ? "INFO" : "WARN");
    // Created once the configuration is valid (see PlatformHandle): nothing is written before.
    System.setProperty("java.io.tmpdir", home.resolve("work").resolve("tmp").toString());
  }
}
