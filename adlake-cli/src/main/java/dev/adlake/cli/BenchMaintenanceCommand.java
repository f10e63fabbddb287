package dev.adlake.cli;

import dev.adlake.bench.MaintenanceBenchmark;
import dev.adlake.core.config.AdlakeConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adlake bench maintenance}: compaction against Iceberg's own procedure, and the erasure of
 * one user from a large lake.
 */
@Command(
    name = "maintenance",
    mixinStandardHelpOptions = true,
    description = {
      "Time compaction against Iceberg's rewrite_data_files, and the erasure of one user.",
      "",
      "Compaction: two tables written by the same many small commits (as the enricher's",
      "micro-batches write them); table-upkeep (steps=compact) compacts one, Iceberg's",
      "rewrite_data_files procedure the other, in one run, alternating which goes first; rows",
      "must stay equal. Target: files at the target size, no slower than the procedure.",
      "Erasure: erase-user removes one user from two tables of --rows rows in all, written",
      "ordered by user id in 32 MB files, so the user-id statistics let it skip files; the",
      "share of files it did not rewrite is printed. Target: under 5 minutes on 2 cores.",
      "The tables stay in the bench_maint namespace. Measured with ADLAKE_JAVA_OPTS=-Xmx12g."
    },
    footer = {"", "Example:", "  adlake bench maintenance --rows 50000000 --runs 3"})
final class BenchMaintenanceCommand implements Callable<Integer> {
  static final double ERASURE_TARGET_SECONDS = 300;

  @ParentCommand BenchCommand parent;
  @Spec CommandSpec spec;

  @Option(
      names = "--small-rows",
      defaultValue = "2000000",
      description = "Rows of each small-file table (default: ${DEFAULT-VALUE})")
  long smallRows;

  @Option(
      names = "--commits",
      defaultValue = "200",
      description = "Commits writing each small-file table (default: ${DEFAULT-VALUE})")
  int commits;

  @Option(
      names = "--rows",
      defaultValue = "50000000",
      description = "Rows of the erasure's tables in all (default: ${DEFAULT-VALUE})")
  long rows;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs of each measurement (default: ${DEFAULT-VALUE})")
  int runs;

  @Override
  public Integer call() {
    AdlakeCommand root = spec.root().commandLine().getCommand();
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), false);
    int cores = Runtime.getRuntime().availableProcessors();
    int targetMb = config.maintenance().targetFileMb();
    console.line(
        "bench maintenance: %s rows in %d commits to compact, %s rows to erase from, %d runs,"
            + " %d cores, Spark %s",
        Console.count(smallRows),
        commits,
        Console.count(rows),
        runs,
        cores,
        config.spark().master());
    console.line("peer: Iceberg's CALL lake.system.rewrite_data_files on a copy of the table");
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      MaintenanceBenchmark.Result result =
          MaintenanceBenchmark.run(
              handle.platform(),
              new MaintenanceBenchmark.Options(smallRows, commits, rows, runs, targetMb),
              console::line);
      double ours =
          dev.adlake.bench.Medians.of(
              result.compactions().stream().map(c -> c.oursSeconds()).toList());
      double peer =
          dev.adlake.bench.Medians.of(
              result.compactions().stream().map(c -> c.peerSeconds()).toList());
      MaintenanceBenchmark.Compaction last =
          result.compactions().get(result.compactions().size() - 1);
      console.line(
          "compaction: table-upkeep median %.1f s, rewrite_data_files median %.1f s: %.2fx the"
              + " procedure's speed; %d files became %d (procedure: %d) at a %d MB target; %s",
          ours,
          peer,
          peer / ours,
          last.filesBefore(),
          last.oursFiles(),
          last.peerFiles(),
          targetMb,
          ours <= peer * 1.05 && last.oursFiles() <= last.peerFiles()
              ? "target met"
              : "target NOT met");
      List<MaintenanceBenchmark.Erasure> erasures = result.erasures();
      double erase =
          dev.adlake.bench.Medians.of(
              erasures.stream().map(MaintenanceBenchmark.Erasure::seconds).toList());
      double skipped =
          dev.adlake.bench.Medians.of(
              erasures.stream()
                  .map(e -> e.files() == 0 ? 0.0 : 1.0 - (double) e.rewritten() / e.files())
                  .toList());
      console.line(
          "erasure of one user from %s rows in 2 tables: median %.1f s, %.1f%% of files skipped"
              + " (not rewritten); target under %.0f s on 2 cores: %s",
          Console.count(result.bigRows()),
          erase,
          skipped * 100,
          ERASURE_TARGET_SECONDS,
          erase < ERASURE_TARGET_SECONDS ? "met" : "NOT met");
      return 0;
    }
  }
}
