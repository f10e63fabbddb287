package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.run.JobRunner;
import dev.adlake.kafka.archive.ArchiveJob;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake archive}: keeps a raw copy of Kafka topics in the lake, by hour. */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = {
      "Keep a raw copy of Kafka topics in the lake, every record once, by hour.",
      "",
      "Records of each topic in archive.topics go, by record timestamp (UTC), to",
      "  <archive.directory>/<topic>/dt=YYYY-MM-DD/hr=HH/",
      "      <topic>-p<partition>-o<first>-<last>.jsonl.gz",
      "one JSON line per record with key, value and headers in base64.",
      "An hour gets _SUCCESS once every partition of its topic has passed it. The archive is its",
      "own record of progress: a restart, even after a kill, goes on where the files end.",
      "archive.directory is a local folder or an s3a:// prefix (the default beside an S3",
      "warehouse): there a file is staged on local disk and uploaded whole."
    },
    footer = {
      "",
      "Examples:",
      "  adlake archive --once     archive what the topics hold now, then stop",
      "  adlake archive            keep archiving (Ctrl-C closes the files and stops)",
      "  adlake archive --set archive.topics=enriched-tracker \\",
      "      --set archive.max-file-seconds=60",
      "  zcat .adlake/warehouse/archive/enriched-tracker/dt=*/hr=*/*.jsonl.gz \\",
      "      | jq -r .value_base64 | head"
    })
final class ArchiveCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;
  @Mixin MetricsEndpointOption metricsEndpoint;

  @Option(
      names = "--once",
      description =
          "Archive up to the topics' current ends, close every file, mark complete hours and stop")
  boolean once;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    try (ProcessMetrics endpoint = metricsEndpoint.start(!once, console).orElse(null);
        PlatformHandle handle = new PlatformHandle(config, status -> console.line("  " + status))) {
      JobRunner.Outcome outcome =
          handle
              .platform()
              .run(
                  ArchiveJob.NAME,
                  Map.of(JobDefinition.ONCE, String.valueOf(once)),
                  line -> console.line("  " + line));
      console.line(
          "Run %d of %s recorded: 'adlake runs' lists it", outcome.runId(), ArchiveJob.NAME);
    }
    return 0;
  }
}
