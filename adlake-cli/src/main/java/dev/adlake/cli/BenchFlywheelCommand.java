package dev.adlake.cli;

import dev.adlake.bench.FlywheelBenchmark;
import dev.adlake.bench.Medians;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.job.Unit;
import dev.adlake.spark.flywheel.SplitAndBucketJob;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adlake bench flywheel}: the clean-room flywheel's split and bucket against a plain Spark
 * repartition and write, its file sizes, and the bucketed join against an unbucketed one.
 */
@Command(
    name = "flywheel",
    mixinStandardHelpOptions = true,
    description = {
      "Time the flywheel's split and bucket against a plain Spark repartition and write.",
      "",
      "Generates a snapshot of --gb GB of InfoBase-like tables (Parquet, kept under",
      "<home>/bench/flywheel and reused by the next run of the same size) and a column mapping",
      "that splits them into four tables. Then, --runs times, alternating which goes first:",
      "infobase-split-and-bucket (files clustered by bucket(256, customer_user_id), sized by",
      "the target) and a plain Spark job that selects the same columns, repartitions by",
      "customer_user_id into 256 partitions and writes Parquet. Target: the plain job's time",
      "over ours at least 1.0. The rows of both must be equal; each of our files is compared",
      "with the target size (within 20%%). Last, two of the tables are copied into Iceberg",
      "tables partitioned by bucket(256, customer_user_id) and into unpartitioned ones, and a",
      "join on customer_user_id is timed on each pair with broadcasts off: the bucketed pair",
      "must join without a shuffle and give the same answer. The join's tables stay in the",
      "bench_flywheel namespace. Measured with ADLAKE_JAVA_OPTS=-Xmx12g."
    },
    footer = {"", "Example:", "  adlake bench flywheel --gb 10 --runs 3"})
final class BenchFlywheelCommand implements Callable<Integer> {
  static final double TARGET_RATIO = 1.0;

  @ParentCommand BenchCommand parent;
  @Spec CommandSpec spec;

  @Option(
      names = "--gb",
      defaultValue = "10",
      description = "Size of the generated snapshot as Parquet, in GB (default: ${DEFAULT-VALUE})")
  double gigabytes;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs of each measurement (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--target-file-mb",
      defaultValue = "0",
      description =
          "The split's target file size in MB; 0: the snapshot's size over 16 files a table"
              + " (default: ${DEFAULT-VALUE})")
  double targetFileMb;

  @Override
  public Integer call() {
    AdlakeCommand root = spec.root().commandLine().getCommand();
    AdlakeConfig base = root.loadConfig();
    // The bench's own flywheel root, so that it never writes into a configured one.
    String folder = base.home().resolve("bench").resolve("flywheel").toUri().toString();
    AdlakeConfig config =
        root.loadConfig(
            Map.of(
                FlywheelConfig.ROOT.name(),
                folder,
                FlywheelConfig.MAPPING.name(),
                folder + "config/" + FlywheelConfig.MAPPING_FILE));
    Console console = new Console(spec.commandLine().getOut(), false);
    int cores = Runtime.getRuntime().availableProcessors();
    console.line(
        "bench flywheel: a snapshot of %s GB, %d runs, %d cores, Spark %s %s",
        gigabytes, runs, cores, FlywheelBenchmark.sparkVersion(), config.spark().master());
    console.line(
        "peer: a plain Spark job, the same columns per table, repartition(%d,"
            + " col(\"customer_user_id\")).write().parquet(...)",
        FlywheelBenchmark.BUCKETS);
    try (PlatformHandle handle =
        new PlatformHandle(config, status -> console.line("  " + status))) {
      FlywheelBenchmark.Result result =
          FlywheelBenchmark.run(
              handle.platform(),
              new FlywheelBenchmark.Options(gigabytes, runs, targetFileMb),
              console::line);
      double ours =
          Medians.of(
              result.splits().stream().map(FlywheelBenchmark.SplitRun::oursSeconds).toList());
      double peer =
          Medians.of(
              result.splits().stream().map(FlywheelBenchmark.SplitRun::peerSeconds).toList());
      double ratio = peer / ours;
      console.line(
          "split and bucket of %s: %s median %.1f s, plain repartition and write median %.1f s:"
              + " ratio %.2f (plain / ours); target at least %.1f: %s",
          Unit.BYTES.format(result.generation().bytes()),
          SplitAndBucketJob.INFOBASE,
          ours,
          peer,
          ratio,
          TARGET_RATIO,
          ratio >= TARGET_RATIO ? "PASS" : "MISS");
      long files = 0;
      long within = 0;
      long excepted = 0;
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      for (FlywheelBenchmark.TableFiles table : result.files()) {
        if (table.excepted()) {
          excepted++;
          continue;
        }
        files += table.files();
        within += table.within();
        min = Math.min(min, table.minDeviation());
        max = Math.max(max, table.maxDeviation());
      }
      console.line(
          "file sizes: %d of %d files within 20%% of the %s MB target (deviation %+.1f%% to"
              + " %+.1f%%)%s: %s",
          within,
          files,
          formatMb(result.targetFileMb()),
          files == 0 ? 0 : min * 100,
          files == 0 ? 0 : max * 100,
          excepted == 0
              ? ""
              : "; %d table%s smaller than the target excepted (one file)"
                  .formatted(excepted, excepted == 1 ? "" : "s"),
          files > 0 && within == files ? "PASS" : "MISS");
      console.line(
          "rows: ours %s the plain job's in every table (count and checksum of every row)",
          result.rowsEqual() ? "equal to" : "NOT equal to");
      double bucketed =
          Medians.of(
              result.joins().stream().map(FlywheelBenchmark.JoinRun::bucketedSeconds).toList());
      double plain =
          Medians.of(result.joins().stream().map(FlywheelBenchmark.JoinRun::plainSeconds).toList());
      console.line(
          "join of %s and %s on customer_user_id (%,d rows joined, %s a pair): bucketed median"
              + " %.1f s, unbucketed median %.1f s: %.2fx speed-up; bucketed join without a"
              + " shuffle: %s (unbucketed: %s); answers %s",
          FlywheelBenchmark.JOINED.get(0),
          FlywheelBenchmark.JOINED.get(1),
          result.joinRows(),
          Unit.BYTES.format(result.joinBytes()),
          bucketed,
          plain,
          plain / bucketed,
          result.bucketedPlanWithoutExchange() ? "yes" : "NO",
          result.plainPlanWithExchange() ? "shuffles both sides" : "no shuffle",
          result.joinResultsEqual() ? "equal" : "NOT equal");
      return result.rowsEqual() && result.joinResultsEqual() && result.bucketedPlanWithoutExchange()
          ? 0
          : 1;
    }
  }

  private static String formatMb(double megabytes) {
    return megabytes == Math.rint(megabytes)
        ? String.valueOf((long) megabytes)
        : String.valueOf(megabytes);
  }
}
