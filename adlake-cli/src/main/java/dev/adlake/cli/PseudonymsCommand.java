package dev.adlake.cli;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.Platform;
import dev.adlake.spark.common.PseudonymGenerations;
import dev.adlake.spark.common.PseudonymKey;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.cookiemapping.UserIdsMapperJob;
import dev.adlake.spark.maintenance.PseudonymRotationJob;
import dev.adlake.spark.reportingenablement.MappingPublisherJob;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake pseudonyms}: the pseudonym key ring, and its rotation. */
@Command(
    name = "pseudonyms",
    mixinStandardHelpOptions = true,
    description = {
      "Show the pseudonym key ring and rotate the key without losing joins.",
      "",
      "User ids are stored as keyed pseudonyms (HMAC-SHA256). A rotation adds a new",
      "random key to the ring and rewrites every stored pseudonym p as HMAC(new, p),",
      "which is what the new ring gives the same id: events, mappings and the",
      "identity graph from before and after the rotation still join, and the old",
      "key alone links nothing. Older snapshots of the rewritten tables are expired."
    },
    subcommands = {PseudonymsCommand.Status.class, PseudonymsCommand.Rotate.class},
    footer = {
      "",
      "Examples:",
      "  adlake pseudonyms status",
      "  adlake pseudonyms rotate --dry-run",
      "  adlake pseudonyms rotate"
    })
final class PseudonymsCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** The lake tables holding pseudonyms, and the identity graph's, as they exist now. */
  static List<String> tables(Platform platform) {
    List<String> names = new ArrayList<>();
    for (TableDefinition table : platform.tables().of(TableStore.LAKE)) {
      if (!table.family() && !table.pseudonymColumns().isEmpty()) {
        names.add(table.name());
      }
    }
    names.add(IdentityTables.DEFAULT.edges());
    names.add(IdentityTables.DEFAULT.userIds());
    return names.stream().filter(name -> platform.spark().catalog().tableExists(name)).toList();
  }

  /** {@code adlake pseudonyms status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Print the key ring's generation and the generation of each table's pseudonyms."
      })
  static final class Status implements Callable<Integer> {
    @ParentCommand PseudonymsCommand parent;

    @Override
    public Integer call() {
      Console console = new Console(parent.spec.commandLine().getOut(), System.console() != null);
      AdlakeConfig config = parent.root.loadConfig();
      List<String> ring = PseudonymKey.ring(config);
      console.line(
          "Key ring: generation %d (the key%s)",
          ring.size(),
          ring.size() == 1
              ? ", never rotated"
              : " and %d rotation(s), in %s"
                  .formatted(ring.size() - 1, PseudonymKey.rotationsFile(config)));
      if (Files.exists(PseudonymKey.pendingRotationFile(config))) {
        console.line(
            "A rotation to generation %d is under way: nothing is pseudonymised until it ends;"
                + " finish it with adlake pseudonyms rotate",
            ring.size() + 1);
      }
      try (PlatformHandle handle = new PlatformHandle(config, status -> {})) {
        Platform platform = handle.platform();
        for (String table : tables(platform)) {
          String generation =
              LakeTables.load(platform.spark(), table)
                  .properties()
                  .getOrDefault(PseudonymGenerations.PROPERTY, "1");
          console.line("  %-28s generation %s", table, generation);
        }
      }
      return 0;
    }
  }

  /** {@code adlake pseudonyms rotate}. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Rotate the pseudonym key: a new key, every stored pseudonym rewritten.",
        "",
        "Brings the identity graph up to date first (user-ids-mapper), runs",
        "rotate-pseudonym-key, then republishes the mapping tables (mapping-publisher).",
        "The enricher and every other job on the pseudonymised tables must be stopped:",
        "the rotation refuses to start while one runs, and they refuse to start until",
        "it ends. Interrupted, it goes on where it stopped when run again."
      })
  static final class Rotate implements Callable<Integer> {
    @ParentCommand PseudonymsCommand parent;

    @Option(names = "--dry-run", description = "List the tables and rows; change nothing")
    boolean dryRun;

    @Override
    public Integer call() {
      Console console = new Console(parent.spec.commandLine().getOut(), System.console() != null);
      AdlakeConfig config = parent.root.loadConfig();
      long started = System.nanoTime();
      try (PlatformHandle handle =
          new PlatformHandle(config, status -> console.line("  " + status))) {
        Platform platform = handle.platform();
        boolean resuming = Files.exists(PseudonymKey.pendingRotationFile(config));
        boolean graph =
            platform.spark().catalog().tableExists(IdentityTables.DEFAULT.userIds())
                && platform.jobs().find(UserIdsMapperJob.NAME).isPresent();
        if (!dryRun && graph && !resuming) {
          run(platform, console, UserIdsMapperJob.NAME, Map.of());
        }
        if (!dryRun) {
          ConsoleAudit.record(
              platform,
              "pseudonym-key.rotate",
              "generation " + (PseudonymKey.ring(config).size() + 1),
              Map.of("resumed", resuming));
        }
        run(
            platform,
            console,
            PseudonymRotationJob.NAME,
            Map.of(PseudonymRotationJob.DRY_RUN.name(), Boolean.toString(dryRun)));
        if (!dryRun && graph && platform.jobs().find(MappingPublisherJob.NAME).isPresent()) {
          run(platform, console, MappingPublisherJob.NAME, Map.of());
        }
      }
      if (!dryRun) {
        console.line(
            "Rotated in %.1f s: key ring generation %d (%s); start the enricher again",
            (System.nanoTime() - started) / 1e9,
            PseudonymKey.ring(config).size(),
            PseudonymKey.rotationsFile(config));
      }
      return 0;
    }

    private static void run(
        Platform platform, Console console, String job, Map<String, String> parameters) {
      var outcome = platform.run(job, parameters, line -> console.line("  " + line));
      console.line("Run %d of %s: %s", outcome.runId(), job, RunCommand.describe(outcome.result()));
    }
  }
}
