package dev.adlake.cli;

import dev.adlake.core.metadata.JdbcAudit;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake audit}: the latest changes to platform data, who made them and on what. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "List the latest changes to platform data, newest first.",
      "",
      "Tokens made and revoked, partner files posted, and the console's jobs, pipelines,",
      "backfills, erasures, maintenance and retried loads; who is the token's name or",
      "user@host. The same entries as GET /api/audit (admin)."
    },
    footer = {"", "Examples:", "  adlake audit", "  adlake audit --limit 200"})
final class AuditCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "Entries to list at most (default: ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new dev.adlake.core.InvalidInputException(
          "--limit %d: give the number of entries to list, 1 or more".formatted(limit));
    }
    List<JdbcAudit.Entry> entries;
    try (PlatformHandle handle = new PlatformHandle(root.loadConfig(), status -> {})) {
      entries = new JdbcAudit(handle.platform().metadata().dataSource()).recent(limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (entries.isEmpty()) {
      out.println("No changes recorded yet.");
    }
    for (JdbcAudit.Entry entry : entries) {
      out.printf(
          "%-24s %-24s %-18s %-28s %s%n",
          entry.at(), entry.actor(), entry.action(), entry.target(), entry.details());
    }
    out.flush();
    return 0;
  }
}
