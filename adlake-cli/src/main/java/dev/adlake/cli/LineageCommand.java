package dev.adlake.cli;

import dev.adlake.core.job.Lineage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adlake lineage}: the data flow of every registered job as a Mermaid flowchart. */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = {
      "Print the data flow of every job as a Mermaid flowchart.",
      "",
      "Jobs are grouped by domain and datasets by store, drawn from the jobs' own declarations."
    },
    footer = {
      "",
      "Examples:",
      "  adlake lineage --markdown >> docs/lineage.md   for GitHub, or a Mermaid viewer",
      "  adlake lineage | mmdc -i - -o lineage.svg      render with mermaid-cli"
    })
final class LineageCommand implements Callable<Integer> {
  @picocli.CommandLine.ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--markdown", description = "Wrap the flowchart in a ```mermaid code block")
  boolean markdown;

  @Override
  public Integer call() {
    String mermaid = Lineage.mermaid(JobsCommand.definitions(root.loadConfig()));
    var out = spec.commandLine().getOut();
    out.print(markdown ? "```mermaid\n" + mermaid + "```\n" : mermaid);
    out.flush();
    return 0;
  }
}
