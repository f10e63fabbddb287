package dev.adlake.cli;

import dev.adlake.core.metadata.JdbcErasures;
import dev.adlake.spark.maintenance.EraseJob;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake erase --user ID}: a user's data erased everywhere, with a record and a proof. */
@Command(
    name = "erase",
    mixinStandardHelpOptions = true,
    description = {
      "Erase a user's rows from every table holding user-level data, with a record and a proof.",
      "",
      "The id (our cookie id, a partner's id or a canonical user id) is expanded through the",
      "identity graph and the mapping tables to every id of the user, as sent and pseudonymised.",
      "Their rows go from every lake and serving table whose catalog entry names a user column;",
      "every older snapshot of a changed lake table is expired, and every retained snapshot is",
      "scanned to prove none of the ids is left. Aggregates without user ids stay."
    },
    footer = {
      "",
      "Examples:",
      "  adlake erase --user 3f2a9c1e-77d0 --requested-by ticket-4711",
      "  adlake erase --user tt-88123 --dry-run      the ids and rows it would erase",
      "  adlake erase --list                         the erasures recorded"
    })
final class EraseCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--user", paramLabel = "ID", description = "The id of the user to erase")
  String user;

  @Option(
      names = "--requested-by",
      paramLabel = "WHO",
      description = "Who asked (a person, a ticket); kept in the record")
  String requestedBy;

  @Option(names = "--dry-run", description = "List the ids and the rows per table; erase nothing")
  boolean dryRun;

  @Option(names = "--list", description = "List the erasures recorded, most recent first")
  boolean list;

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    if (user == null && !list) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "Give --user ID to erase, or --list");
    }
    try (PlatformHandle handle =
        new PlatformHandle(root.loadConfig(), status -> console.line("  " + status))) {
      if (list) {
        for (JdbcErasures.Erasure erasure :
            new JdbcErasures(handle.platform().metadata().dataSource()).recent(50)) {
          console.line(
              "%d  %s  %-8s %s, asked by %s, %d ids, rows removed %s; proof %s%s",
              erasure.id(),
              TIME.format(erasure.requestedAt()),
              erasure.status(),
              erasure.subject(),
              erasure.requestedBy(),
              erasure.ids().size(),
              erasure.rowsRemoved(),
              erasure.proof(),
              erasure.error().map(error -> "; error: " + error).orElse(""));
        }
        return 0;
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put(EraseJob.USER.name(), user);
      parameters.put(EraseJob.DRY_RUN.name(), Boolean.toString(dryRun));
      if (requestedBy != null) {
        parameters.put(EraseJob.REQUESTED_BY.name(), requestedBy);
      }
      if (!dryRun) {
        // The user's id stays out of the audit log: the erasure's own record keeps it hashed.
        ConsoleAudit.record(
            handle.platform(),
            "user.erase",
            String.valueOf(requestedBy),
            Map.of("requested_by", String.valueOf(requestedBy)));
      }
      long started = System.nanoTime();
      var outcome =
          handle.platform().run(EraseJob.NAME, parameters, line -> console.line("  " + line));
      console.line(
          "Run %d of %s %s in %.1f s: %s",
          outcome.runId(),
          EraseJob.NAME,
          dryRun ? "(dry run) succeeded" : "erased the user",
          (System.nanoTime() - started) / 1e9,
          RunCommand.describe(outcome.result()));
    }
    return 0;
  }
}
