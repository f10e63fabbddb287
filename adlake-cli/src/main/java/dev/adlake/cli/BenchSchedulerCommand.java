package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobCatalog;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.spark.Platform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adlake bench scheduler}: the cost the pipeline adds to each job, measured on jobs that do
 * nothing, with every attempt recorded in PostgreSQL as for real jobs.
 */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = {
      "Time the pipeline's overhead per job and the start of a job after its upstream ends.",
      "",
      "A pipeline of no-op jobs (by default 900 side by side and a chain of 100) runs through",
      "the same executor, runner, run ledger and concurrency locks as real jobs, on the",
      "metadata PostgreSQL. Overhead per job: the time from a worker taking the job to its",
      "body, plus from its body's end to its run recorded. Dependent start: from a chained",
      "job's end to its dependent's start. Medians and p99 over the runs. Targets on 2 cores:",
      "overhead under 20 ms median, dependent start under 1 s at p99 (Airflow's task start-up",
      "takes seconds)."
    },
    footer = {"", "Example:", "  adlake bench scheduler --runs 3"})
final class BenchSchedulerCommand implements Callable<Integer> {
  @ParentCommand BenchCommand parent;
  @Spec CommandSpec spec;

  @Option(
      names = "--side-by-side",
      defaultValue = "900",
      description = "Jobs with no dependency (default: ${DEFAULT-VALUE})")
  int wide;

  @Option(
      names = "--chain",
      defaultValue = "100",
      description = "Jobs in a chain, each after the last (default: ${DEFAULT-VALUE})")
  int chain;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Pipeline runs; medians over them (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--parallelism",
      defaultValue = "4",
      description = "Jobs at once (default: ${DEFAULT-VALUE})")
  int parallelism;

  /** When each no-op job's body started and ended, by name. */
  private final Map<String, long[]> bodies = new ConcurrentHashMap<>();

  /** When each job was taken by a worker and when its run was recorded, by name. */
  private final Map<String, long[]> dispatches = new ConcurrentHashMap<>();

  @Override
  public Integer call() {
    AdlakeCommand root = spec.root().commandLine().getCommand();
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    int cores = Runtime.getRuntime().availableProcessors();
    console.line(
        "bench scheduler: %d no-op jobs (%d side by side, a chain of %d), %d at once, %d run(s), %d cores",
        wide + chain, wide, chain, parallelism, runs, cores);
    JobCatalog catalog = catalog();
    Pipeline pipeline = Pipeline.of(catalog.definitions());
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      Platform platform = handle.platform();
      var dataSource = platform.metadata().dataSource();
      JdbcRunLedger ledger = new JdbcRunLedger(dataSource);
      PipelineExecutor executor =
          new PipelineExecutor(
              catalog,
              new JobRunner(
                  ledger,
                  platform,
                  job -> dev.adlake.core.config.JobPolicy.DEFAULT,
                  Optional.of(new JdbcLocks(dataSource))),
              new JdbcPipelineRuns(dataSource),
              Optional.of(new JdbcAlerts(dataSource)),
              parallelism);
      List<Double> overheadMedians = new ArrayList<>();
      List<Double> overheadP99s = new ArrayList<>();
      List<Double> startMedians = new ArrayList<>();
      List<Double> startP99s = new ArrayList<>();
      List<Double> jobsPerSecond = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        bodies.clear();
        dispatches.clear();
        long started = System.nanoTime();
        PipelineExecutor.Result result =
            executor.run(pipeline, "bench scheduler", Instant.now(), Map.of(), listener());
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!result.ok()) {
          throw new IllegalStateException("The benchmark's pipeline failed: " + result.failed());
        }
        double[] overhead =
            catalog.definitions().stream()
                .mapToDouble(
                    job -> {
                      long[] body = bodies.get(job.name());
                      long[] dispatch = dispatches.get(job.name());
                      return ((body[0] - dispatch[0]) + (dispatch[1] - body[1])) / 1e6;
                    })
                .toArray();
        double[] starts = new double[chain - 1];
        for (int i = 1; i < chain; i++) {
          starts[i - 1] = (bodies.get(chainJob(i))[0] - bodies.get(chainJob(i - 1))[1]) / 1e6;
        }
        overheadMedians.add(percentile(overhead, 50));
        overheadP99s.add(percentile(overhead, 99));
        startMedians.add(percentile(starts, 50));
        startP99s.add(percentile(starts, 99));
        jobsPerSecond.add((wide + chain) / seconds);
        console.line(
            "  run %d (pipeline run %d): %.1f s, %,.0f jobs/s; overhead per job median %.1f ms,"
                + " p99 %.1f ms; dependent start median %.1f ms, p99 %.1f ms",
            run,
            result.pipelineRunId(),
            seconds,
            (wide + chain) / seconds,
            percentile(overhead, 50),
            percentile(overhead, 99),
            percentile(starts, 50),
            percentile(starts, 99));
      }
      double overhead = median(overheadMedians);
      double startP99 = median(startP99s);
      console.line(
          "Medians of %d run(s) on %d cores: overhead per job %.1f ms (p99 %.1f ms), target under"
              + " 20 ms: %s; dependent start p99 %.1f ms (median %.1f ms), target under 1 s: %s;"
              + " %,.0f jobs/s",
          runs,
          cores,
          overhead,
          median(overheadP99s),
          overhead < 20 ? "met" : "NOT met",
          startP99,
          median(startMedians),
          startP99 < 1000 ? "met" : "NOT met",
          median(jobsPerSecond));
      console.line(
          "Peer: Airflow starts each task in a process of its own, measured in seconds per task;"
              + " here a job starts in the scheduler's process.");
    }
    return 0;
  }

  private PipelineExecutor.Listener listener() {
    return new PipelineExecutor.Listener() {
      @Override
      public void started(JobDefinition job) {
        dispatches.put(job.name(), new long[] {System.nanoTime(), 0});
      }

      @Override
      public void succeeded(JobDefinition job, JobRunner.Outcome outcome, java.time.Duration took) {
        dispatches.get(job.name())[1] = System.nanoTime();
      }
    };
  }

  private JobCatalog catalog() {
    JobCatalog catalog = new JobCatalog();
    for (int i = 0; i < wide; i++) {
      catalog.add(
          noop("bench-wide-" + i, List.of(Dataset.files("bench/source")), "bench.wide_" + i));
    }
    for (int i = 0; i < chain; i++) {
      List<Dataset> reads =
          i == 0
              ? List.of(Dataset.files("bench/source"))
              : List.of(Dataset.table("bench.chain_" + (i - 1)));
      catalog.add(noop(chainJob(i), reads, "bench.chain_" + i));
    }
    return catalog;
  }

  private static String chainJob(int i) {
    return "bench-chain-" + i;
  }

  private Job noop(String name, List<Dataset> reads, String writes) {
    JobDefinition definition =
        new JobDefinition(
            name,
            Domain.REPORTING,
            JobKind.BATCH,
            "does nothing",
            reads,
            List.of(Dataset.table(writes)),
            List.of());
    return new Job() {
      @Override
      public JobDefinition definition() {
        return definition;
      }

      @Override
      public JobResult run(JobContext context) {
        long start = System.nanoTime();
        bodies.put(name, new long[] {start, System.nanoTime()});
        return JobResult.of(0, 0);
      }
    };
  }

  static double percentile(double[] values, double percentile) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double median(List<Double> values) {
    return percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), 50);
  }
}
