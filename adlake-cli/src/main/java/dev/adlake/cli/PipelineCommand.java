package dev.adlake.cli;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.core.schedule.PipelineScheduler;
import dev.adlake.spark.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adlake pipeline}: every job in the order its declared datasets imply, drawn, run, or
 * written out as an Airflow DAG.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Show, run or export the pipeline: every job in the order its datasets imply.",
      "",
      "A job runs after every job that writes a dataset it reads; a cycle, or a table read that",
      "no job writes, is refused with its path. Streaming jobs run bounded (once=true)."
    },
    subcommands = {
      PipelineCommand.Show.class,
      PipelineCommand.Run.class,
      PipelineCommand.Export.class
    },
    footer = {
      "",
      "Examples:",
      "  adlake pipeline show",
      "  adlake pipeline run --only reporting",
      "  adlake pipeline export --airflow --output dags/adlake.py"
    })
final class PipelineCommand implements Runnable {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options that select part of the pipeline. */
  static final class Selection {
    @Option(
        names = "--from",
        paramLabel = "JOB",
        description = "This job and every job after it, directly or not")
    String from;

    @Option(
        names = "--only",
        paramLabel = "DOMAIN",
        description =
            "Only the jobs of this domain: ingestion, cookie-mapping, segment-building,"
                + " domain-classification, reporting-enablement, reporting, clean-room or"
                + " maintenance")
    String only;

    Pipeline select(Pipeline pipeline) {
      Optional<Domain> domain = Optional.ofNullable(only).map(PipelineScheduler::domain);
      return pipeline.select(Optional.ofNullable(from), domain);
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print the jobs in the order they run, each with the jobs it waits for.",
        "",
        "Starts no service: the order comes from the jobs' declarations alone."
      },
      footer = {
        "",
        "Examples:",
        "  adlake pipeline show",
        "  adlake pipeline show --from ad-metrics",
        "  adlake pipeline show --mermaid     a flowchart for GitHub or a Mermaid viewer"
      })
  static final class Show implements Callable<Integer> {
    @ParentCommand PipelineCommand parent;
    @Spec CommandSpec spec;
    @Mixin Selection selection;

    @Option(names = "--mermaid", description = "Print a Mermaid flowchart instead of a list")
    boolean mermaid;

    @Override
    public Integer call() {
      AdlakeConfig config = parent.root.loadConfig();
      Pipeline pipeline = selection.select(Pipeline.of(Platform.catalog(config).definitions()));
      Console console = new Console(spec.commandLine().getOut(), false);
      if (mermaid) {
        spec.commandLine().getOut().print(pipeline.mermaid());
        spec.commandLine().getOut().flush();
        return 0;
      }
      console.line(
          "Pipeline (%s): %d jobs, up to %d at once (pipeline.parallelism)",
          pipeline.selection(), pipeline.order().size(), config.scheduler().parallelism());
      int step = 0;
      for (JobDefinition job : pipeline.order()) {
        step++;
        List<String> before = List.copyOf(pipeline.upstream(job.name()));
        console.line(
            "  %2d. %-28s %-22s %s",
            step,
            job.name(),
            job.domain().title(),
            before.isEmpty()
                ? "starts at once"
                : "after "
                    + before.stream()
                        .map(name -> name + " (" + pipeline.through(job.name(), name).name() + ")")
                        .collect(Collectors.joining(", ")));
      }
      return 0;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run the pipeline: each job as soon as the jobs it waits for have succeeded.",
        "",
        "Every attempt is recorded ('adlake runs'); each job runs under its policy",
        "(jobs.<name>.retries, retry-backoff, timeout, max-concurrent, deadline). A job whose",
        "upstream failed is skipped. Exits 1 when a job failed or was skipped."
      },
      footer = {
        "",
        "Examples:",
        "  adlake pipeline run",
        "  adlake pipeline run --from ad-metrics",
        "  adlake pipeline run --only cookie-mapping -p user-ids-mapper.full=true",
        "  adlake pipeline run --only clean-room      the clean room runs apart, monthly",
        "  adlake pipeline run --only clean-room \\",
        "    -p infobase-split-and-bucket.snapshot-dt=2025-10-15 \\",
        "    -p addressable-bucket.snapshot-dt=2025-10-15      reprocess one date"
      })
  static final class Run implements Callable<Integer> {
    @ParentCommand PipelineCommand parent;
    @Spec CommandSpec spec;
    @Mixin Selection selection;

    @Option(
        names = {"-p", "--parameter"},
        paramLabel = "JOB.NAME=VALUE",
        description = "A parameter of one job of the pipeline; repeatable")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Override
    public Integer call() {
      AdlakeConfig config = parent.root.loadConfig();
      Console console = new Console(spec.commandLine().getOut(), System.console() != null);
      Pipeline pipeline = selection.select(Pipeline.of(Platform.catalog(config).definitions()));
      Map<String, Map<String, String>> byJob = byJob(pipeline, parameters);
      try (PlatformHandle handle =
          new PlatformHandle(config, status -> console.line("  " + status))) {
        Platform platform = handle.platform();
        console.line(
            "Running the pipeline (%s): %d jobs, up to %d at once",
            pipeline.selection(), pipeline.order().size(), config.scheduler().parallelism());
        ConsoleAudit.record(
            platform,
            "pipeline.run",
            pipeline.selection(),
            Map.of("jobs", pipeline.order().size()));
        long started = System.nanoTime();
        PipelineExecutor.Result result =
            platform
                .pipelineExecutor()
                .run(
                    pipeline,
                    "manual",
                    Instant.now(),
                    byJob,
                    new PipelineConsole(
                        console,
                        pipeline.order().size(),
                        true,
                        (job, outcome) -> RunCommand.describe(outcome.result())));
        console.line(
            "Pipeline run %d %s in %.1f s: %d succeeded, %d failed, %d skipped",
            result.pipelineRunId(),
            result.ok() ? "succeeded" : "failed",
            (System.nanoTime() - started) / 1e9,
            result.succeeded().size(),
            result.failed().size(),
            result.skipped().size());
        PipelineConsole.reportFailures(result, console);
        return result.ok() ? 0 : 1;
      }
    }
  }

  /** Parameters given as {@code job.name=value}, by job; a job not in the pipeline is refused. */
  static Map<String, Map<String, String>> byJob(Pipeline pipeline, Map<String, String> given) {
    Map<String, Map<String, String>> byJob = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : given.entrySet()) {
      String key = entry.getKey();
      int dot = key.lastIndexOf('.');
      String job = dot > 0 ? key.substring(0, dot) : "";
      if (pipeline.order().stream().noneMatch(definition -> definition.name().equals(job))) {
        throw new InvalidInputException(
            "Cannot pass parameter '%s': give it as JOB.NAME=VALUE with a job of the pipeline (%s)"
                .formatted(
                    key,
                    pipeline.order().stream()
                        .map(JobDefinition::name)
                        .collect(Collectors.joining(", "))));
      }
      byJob
          .computeIfAbsent(job, name -> new LinkedHashMap<>())
          .put(key.substring(dot + 1), entry.getValue());
    }
    return byJob;
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write the pipeline as an Airflow DAG whose tasks call 'adlake run'.",
        "",
        "Each job is a BashOperator task with the same dependencies as here; streaming jobs",
        "run bounded (-p once=true). For teams that schedule with Airflow."
      },
      footer = {
        "",
        "Examples:",
        "  adlake pipeline export --airflow --output dags/adlake.py",
        "  adlake pipeline export --airflow --schedule '@hourly' --only reporting"
      })
  static final class Export implements Callable<Integer> {
    @ParentCommand PipelineCommand parent;
    @Spec CommandSpec spec;
    @Mixin Selection selection;

    @Option(names = "--airflow", required = true, description = "An Airflow DAG file (Python)")
    boolean airflow;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "Write the DAG here (default: standard output)")
    Path output;

    @Option(
        names = "--dag-id",
        defaultValue = "adlake",
        description = "The DAG's id (default: ${DEFAULT-VALUE})")
    String dagId;

    @Option(
        names = "--schedule",
        description =
            "The DAG's schedule, a cron expression or preset such as @daily (default: none)")
    String schedule;

    @Option(
        names = "--adlake",
        defaultValue = "adlake",
        paramLabel = "COMMAND",
        description = "How the tasks call adlake on the workers (default: ${DEFAULT-VALUE})")
    String command;

    @Override
    public Integer call() {
      AdlakeConfig config = parent.root.loadConfig();
      Pipeline pipeline = selection.select(Pipeline.of(Platform.catalog(config).definitions()));
      String dag = AirflowDag.render(pipeline, dagId, Optional.ofNullable(schedule), command);
      if (output == null) {
        spec.commandLine().getOut().print(dag);
        spec.commandLine().getOut().flush();
        return 0;
      }
      try {
        if (output.toAbsolutePath().getParent() != null) {
          Files.createDirectories(output.toAbsolutePath().getParent());
        }
        Files.writeString(output, dag, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ExternalFailureException(
            "Cannot write the DAG to %s: %s".formatted(output, e.getMessage()), e);
      }
      new Console(spec.commandLine().getOut(), false)
          .line("Wrote DAG '%s' (%d tasks) to %s", dagId, pipeline.order().size(), output);
      return 0;
    }
  }

  /** A pipeline as the Python source of an Airflow DAG. */
  static final class AirflowDag {
    private AirflowDag() {}

    static String render(
        Pipeline pipeline, String dagId, Optional<String> schedule, String command) {
      StringBuilder out = new StringBuilder();
      out.append("\"\"\"The adlake pipeline (")
          .append(pipeline.selection())
          .append(") as an Airflow DAG: each task runs one adlake job.\n\n")
          .append(
              "Generated by 'adlake pipeline export --airflow'; regenerate it when jobs change.\n")
          .append("\"\"\"\n")
          .append("from datetime import datetime\n\n")
          .append("from airflow import DAG\n")
          .append("from airflow.operators.bash import BashOperator\n\n")
          .append("with DAG(\n")
          .append("    dag_id=")
          .append(python(dagId))
          .append(",\n")
          .append("    schedule=")
          .append(schedule.map(AirflowDag::python).orElse("None"))
          .append(",\n")
          .append("    start_date=datetime(2026, 1, 1),\n")
          .append("    catchup=False,\n")
          .append("    tags=[\"adlake\"],\n")
          .append(") as dag:\n");
      for (JobDefinition job : pipeline.order()) {
        String bash =
            command
                + " run "
                + job.name()
                + (job.kind() == JobKind.STREAMING ? " -p once=true" : "");
        out.append("    ")
            .append(variable(job.name()))
            .append(" = BashOperator(task_id=")
            .append(python(job.name()))
            .append(", bash_command=")
            .append(python(bash))
            .append(")\n");
      }
      boolean first = true;
      for (JobDefinition job : pipeline.order()) {
        for (String before : pipeline.upstream(job.name())) {
          if (first) {
            out.append('\n');
            first = false;
          }
          out.append("    ")
              .append(variable(before))
              .append(" >> ")
              .append(variable(job.name()))
              .append('\n');
        }
      }
      return out.toString();
    }

    private static String variable(String job) {
      return job.replace('-', '_');
    }

    private static String python(String text) {
      return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }
}
