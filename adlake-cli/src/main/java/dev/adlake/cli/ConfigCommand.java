package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigKey;
import dev.adlake.core.config.ConfigValues;
import dev.adlake.core.config.SparkConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake config}: the configuration in force, or the reference of every key. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Validate and print the configuration in force, each value with its source.",
      "",
      "Precedence: --set flag > ADLAKE_* environment > adlake.yaml > default."
    },
    footer = {
      "",
      "Examples:",
      "  adlake config",
      "  adlake --set metadata.jdbc-url=jdbc:postgresql://db:5432/adlake config",
      "  adlake config --reference        every key with its default and description"
    })
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--reference",
      description = "Print every key, its rule, default and meaning as Markdown")
  boolean reference;

  /** The keys of jobs and schedules, named by the user: key, default, rule, description. */
  private static final String[][] DYNAMIC_KEYS = {
    {
      "feeds.<feed>.<property>",
      "(the built-in feeds)",
      "see docs/ingestion.md",
      "A feed: where its files land, their format and schema, its table and load mode"
    },
    {
      "jobs.<job>.retries",
      "`0`",
      "an integer from 0 to 100",
      "Attempts after a job's first fails; bad input is never retried"
    },
    {
      "jobs.<job>.retry-backoff",
      "`30s`",
      "a duration such as 500ms, 30s, 5m, 2h or 1d",
      "Wait before the first retry; it doubles for each further one"
    },
    {
      "jobs.<job>.retry-max-backoff", "`10m`", "a duration", "The longest wait between two attempts"
    },
    {"jobs.<job>.timeout", "(none)", "a duration", "How long one attempt may take before it fails"},
    {
      "jobs.<job>.max-concurrent",
      "`1`",
      "an integer from 1 to 1000",
      "Runs of the job at once, across every process"
    },
    {
      "jobs.<job>.deadline",
      "(none)",
      "a duration",
      "How long after it was due the job must have succeeded; an alert is recorded when not"
    },
    {
      "tables.<table>.retention",
      "(the table catalog's)",
      "forever, 90d, 48h or month-ends-after 30d",
      "How long the table keeps its rows, by its time column; `adlake tables` lists each"
    },
    {
      "schedules.<name>.cron",
      "(required)",
      "six fields, seconds first, such as `0 5 * * * *`",
      "When 'adlake scheduler' runs the schedule"
    },
    {
      "schedules.<name>.job",
      "(the pipeline)",
      "a job's name",
      "The job it runs; unset: the pipeline, or the part 'only' and 'from' select"
    },
    {
      "schedules.<name>.only",
      "(every domain)",
      "a domain, such as reporting or cookie-mapping",
      "Only the pipeline's jobs of this domain"
    },
    {
      "schedules.<name>.from",
      "(the first job)",
      "a job's name",
      "This job of the pipeline and every job after it"
    },
    {
      "schedules.<name>.parameters",
      "(none)",
      "name=value pairs separated by commas",
      "Parameters of the job it runs"
    }
  };

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), false);
    if (reference) {
      console.line("| key | environment | default | rule | description |");
      console.line("|---|---|---|---|---|");
      for (ConfigKey<?> key : AdlakeConfig.declaredKeys()) {
        console.line(
            "| `%s` | `%s` | %s | %s | %s |",
            key.name(),
            key.environmentVariable(),
            key.defaultText() == null ? "(unset)" : "`" + key.defaultText() + "`",
            key.type().rule(),
            key.description());
      }
      console.line(
          "| `%s<property>` | | | any Spark property | Passed to Spark as is, e.g. `spark.conf.spark.executor.memory: 4g` |",
          SparkConfig.PROPERTIES_PREFIX);
      for (String[] row : DYNAMIC_KEYS) {
        console.line("| `%s` | | %s | %s | %s |", (Object[]) row);
      }
      return 0;
    }
    AdlakeConfig config = root.loadConfig();
    console.line("home:   %s", config.home());
    console.line("file:   %s", config.configFile() == null ? "(none)" : config.configFile());
    Map<String, ConfigKey<?>> declared = new HashMap<>();
    AdlakeConfig.declaredKeys().forEach(key -> declared.put(key.name(), key));
    int width =
        Math.max(
            config.values().all().keySet().stream().mapToInt(String::length).max().orElse(0),
            config.values().sparkConf().keySet().stream()
                .mapToInt(name -> SparkConfig.PROPERTIES_PREFIX.length() + name.length())
                .max()
                .orElse(0));
    String line = "%-" + width + "s %-50s %s";
    for (Map.Entry<String, ConfigValues.Resolved> entry : config.values().all().entrySet()) {
      ConfigKey<?> key = declared.get(entry.getKey());
      String text = key != null ? key.printable(entry.getValue().text()) : entry.getValue().text();
      console.line(
          line,
          entry.getKey(),
          text,
          entry.getValue().source().name().toLowerCase(Locale.ROOT) + originOf(entry.getValue()));
    }
    config
        .values()
        .sparkConf()
        .forEach(
            (name, value) ->
                console.line(
                    line,
                    SparkConfig.PROPERTIES_PREFIX + name,
                    looksSecret(name) ? ConfigKey.MASK : value.text(),
                    value.source().name().toLowerCase(Locale.ROOT)));
    return 0;
  }

  /** Free-form Spark properties are not declared: their names tell which hold secrets. */
  private static boolean looksSecret(String property) {
    String name = property.toLowerCase(Locale.ROOT);
    return name.contains("password") || name.contains("secret") || name.contains("token");
  }

  private static String originOf(ConfigValues.Resolved value) {
    return value.origin().startsWith("adlake") || value.origin().contains(" line ")
        ? " (" + value.origin() + ")"
        : "";
  }
}
