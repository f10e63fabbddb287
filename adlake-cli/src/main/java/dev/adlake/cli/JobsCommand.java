package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobParameter;
import dev.adlake.spark.Platform;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code adlake jobs}: the registered jobs by domain, with what they read, write and accept. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List the jobs by domain, with what they read, write and accept.",
    footer = {"", "Example:", "  adlake jobs"})
final class JobsCommand implements Callable<Integer> {
  @picocli.CommandLine.ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), false);
    List<JobDefinition> jobs = definitions(root.loadConfig());
    for (Domain domain : Domain.values()) {
      List<JobDefinition> inDomain = jobs.stream().filter(job -> job.domain() == domain).toList();
      if (inDomain.isEmpty()) {
        continue;
      }
      console.line("%s", domain.title());
      for (JobDefinition job : inDomain) {
        console.line("  %s (%s)", job.name(), job.kind().name().toLowerCase(java.util.Locale.ROOT));
        console.line("      %s", job.description());
        console.line("      reads:  %s", names(job.reads()));
        console.line("      writes: %s", names(job.writes()));
        for (JobParameter<?> parameter : job.parameters()) {
          console.line(
              "      -p %s=<%s> (default %s): %s",
              parameter.name(),
              parameter.type().rule(),
              parameter.required()
                  ? "none, required"
                  : parameter.defaultText() == null ? "none" : parameter.defaultText(),
              parameter.description());
        }
      }
    }
    return 0;
  }

  /** Every job of the platform's catalog, whatever engine runs it; starts no service. */
  static List<JobDefinition> definitions(AdlakeConfig config) {
    return Platform.catalog(config).definitions();
  }

  private static String names(List<Dataset> datasets) {
    return datasets.stream()
        .map(dataset -> dataset.name() + " [" + dataset.kind().store() + "]")
        .collect(Collectors.joining(", "));
  }
}
