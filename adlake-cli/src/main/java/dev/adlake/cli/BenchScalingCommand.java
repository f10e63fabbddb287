package dev.adlake.cli;

import dev.adlake.bench.ScalingBenchmark;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.spark.cluster.StandaloneCluster;
import dev.adlake.spark.common.PseudonymKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake bench scaling}: the jobs at one core, two cores and on a two-worker cluster. */
@Command(
    name = "scaling",
    mixinStandardHelpOptions = true,
    description = {
      "Time four jobs at local[1], local[2] and on a two-worker cluster.",
      "",
      "Ingestion, the hourly rollup, the enricher and the identity graph, as Spark gets more",
      "cores: local[1], local[2] and a standalone cluster of two one-core workers.",
      "Each workload is its own benchmark's adlake side (bench ingest, rollup, enrich and",
      "identity, each checked against the generator's truth), run in one Spark application per",
      "mode on the same PostgreSQL and Kafka; the speed-up is the throughput's ratio to",
      "local[1]. The cluster's workers are separate JVMs on Spark's own jars; the executors",
      "load adlake from the job jar. Run it through ./adlake, which names both."
    },
    footer = {"", "Example:", "  adlake bench scaling --events 2000000 --ids 1000000 --runs 3"})
final class BenchScalingCommand implements Callable<Integer> {
  @ParentCommand BenchCommand parent;
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      defaultValue = "2000000",
      description = "Impressions for ingestion and the rollup (default: ${DEFAULT-VALUE})")
  long events;

  @Option(
      names = "--stream-events",
      defaultValue = "500000",
      description = "Events of the enricher's backlog (default: ${DEFAULT-VALUE})")
  long streamEvents;

  @Option(
      names = "--ids",
      defaultValue = "1000000",
      description = "About how many ids the identity graph has (default: ${DEFAULT-VALUE})")
  long ids;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Timed runs of each workload in each mode (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--modes",
      split = ",",
      defaultValue = "local[1],local[2],cluster",
      description = "The modes, in order (default: ${DEFAULT-VALUE})")
  List<String> modes;

  @Override
  public Integer call() {
    AdlakeCommand root = spec.root().commandLine().getCommand();
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), false);
    for (String mode : modes) {
      if (!mode.equals(ScalingBenchmark.CLUSTER) && !mode.matches("local\\[\\d+]")) {
        throw new InvalidInputException(
            "--modes has '%s': use local[N] or %s".formatted(mode, ScalingBenchmark.CLUSTER));
      }
    }
    List<Path> sparkJars = List.of();
    if (modes.contains(ScalingBenchmark.CLUSTER)) {
      sparkJars = StandaloneCluster.installedSparkJars("bench scaling's cluster mode");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    console.line(
        "bench scaling: %s impressions, %s stream events, about %s ids, %d runs, %d cores;"
            + " modes %s",
        Console.count(events),
        Console.count(streamEvents),
        Console.count(ids),
        runs,
        cores,
        String.join(", ", modes));
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      PseudonymKey.generateIfMissing(config);
      ScalingBenchmark.Result result =
          ScalingBenchmark.run(
              handle.platform(),
              PseudonymKey.of(config),
              new ScalingBenchmark.Options(
                  events, streamEvents, ids, runs, modes, sparkJars, config.workDirectory()),
              console::line);
      console.blank();
      console.line(
          "%-16s %s",
          "median", String.join("", modes.stream().map(m -> "%22s".formatted(m)).toList()));
      for (String workload : ScalingBenchmark.WORKLOADS) {
        StringBuilder line = new StringBuilder("%-16s ".formatted(workload));
        Optional<Double> first = result.of(workload, modes.get(0));
        for (String mode : modes) {
          Optional<Double> value = result.of(workload, mode);
          String cell =
              value
                  .map(
                      v ->
                          "%,.0f".formatted(v)
                              + first.map(f -> " (%.2fx)".formatted(v / f)).orElse(""))
                  .orElse("-");
          line.append("%22s".formatted(cell));
        }
        console.line("%s  %s", line, result.unit(workload));
      }
      console.line(
          "speed-up against %s in brackets; the cluster is 2 workers of 1 core on this %d-core"
              + " machine",
          modes.get(0), cores);
      return 0;
    }
  }
}
