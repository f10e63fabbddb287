package dev.adlake.cli;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadLedger;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.spark.ingestion.LandingStores;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake loads}: the load ledger, and retrying errored loads. */
@Command(
    name = "loads",
    mixinStandardHelpOptions = true,
    description = {
      "List loads from the load ledger, newest first, with status, counts and errors.",
      "",
      "Statuses: ready, ingesting, ready_for_archiving, archiving, archived,",
      "ready_for_erroring, erroring, errored."
    },
    subcommands = {LoadsCommand.Retry.class},
    footer = {
      "",
      "Examples:",
      "  adlake loads",
      "  adlake loads --status errored",
      "  adlake loads --feed adserver-events --date 2026-11-22",
      "  adlake loads retry --feed adserver-events    re-queue its errored loads"
    })
final class LoadsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--status", paramLabel = "STATUS", description = "Only loads in this status")
  String status;

  @Option(names = "--feed", paramLabel = "FEED", description = "Only loads of this feed")
  String feed;

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description = "Only loads discovered on this day (UTC)")
  LocalDate date;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many (default: ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), false);
    Optional<LoadStatus> wanted = Optional.ofNullable(status).map(LoadsCommand::parseStatus);
    try (PlatformHandle handle = new PlatformHandle(root.loadConfig(), line -> {})) {
      if (feed != null) {
        handle.platform().config().feed(feed);
      }
      List<Load> loads =
          handle
              .platform()
              .loads()
              .list(wanted, Optional.ofNullable(feed), Optional.ofNullable(date), limit);
      if (loads.isEmpty()) {
        console.line("No loads match. Land files and run: adlake ingest");
        return 0;
      }
      console.line(
          "%-6s %-22s %-20s %-19s %10s %10s %9s  %s",
          "LOAD",
          "FEED",
          "STATUS",
          "DISCOVERED (UTC)",
          "ROWS IN",
          "WRITTEN",
          "REJECTED",
          "FILE / ERROR");
      for (Load load : loads) {
        console.line(
            "%-6d %-22s %-20s %-19s %10s %10s %9s  %s%s",
            load.id(),
            load.feed(),
            load.status().sql(),
            TIME.format(load.discoveredAt()),
            load.rowsRead().map(Console::count).orElse("-"),
            load.rowsWritten().map(Console::count).orElse("-"),
            load.rowsRejected().map(Console::count).orElse("-"),
            load.objectKey(),
            load.error().or(load::message).map(text -> "  " + text).orElse(""));
      }
      console.line("By status: %s", IngestCommand.byStatus(handle.platform()));
    }
    return 0;
  }

  static LoadStatus parseStatus(String text) {
    try {
      return LoadStatus.fromSql(text.trim());
    } catch (IllegalArgumentException e) {
      List<String> known = new ArrayList<>();
      for (LoadStatus value : LoadStatus.values()) {
        known.add(value.sql());
      }
      throw new InvalidInputException(
          "Unknown load status '%s'; statuses: %s".formatted(text, String.join(", ", known)));
    }
  }

  /**
   * {@code adlake loads retry}: errored loads back to ready, their files back in the landing zone.
   */
  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = {
        "Re-queue errored loads once their cause is fixed.",
        "",
        "Each file is moved back from the error folder to its landing path, and its load is set",
        "to ready for the next ingest."
      },
      footer = {
        "",
        "Examples:",
        "  adlake loads retry 42 43",
        "  adlake loads retry --feed tracker-clicks"
      })
  static final class Retry implements Callable<Integer> {
    @ParentCommand LoadsCommand loads;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "LOAD_ID",
        description = "Loads to retry (default: every errored load of --feed, or all)")
    List<Long> ids = new ArrayList<>();

    @Option(
        names = "--feed",
        paramLabel = "FEED",
        description = "Retry the errored loads of this feed")
    String feed;

    @Override
    public Integer call() {
      Console console = new Console(spec.commandLine().getOut(), false);
      try (PlatformHandle handle = new PlatformHandle(loads.root.loadConfig(), line -> {})) {
        LoadLedger ledger = handle.platform().loads();
        List<Load> targets = new ArrayList<>();
        if (ids.isEmpty()) {
          targets.addAll(
              ledger.list(
                  Optional.of(LoadStatus.ERRORED),
                  Optional.ofNullable(feed),
                  Optional.empty(),
                  10_000));
        } else {
          for (long id : ids) {
            targets.add(
                ledger
                    .find(id)
                    .orElseThrow(() -> new InvalidInputException("No load with id " + id)));
          }
        }
        if (!targets.isEmpty()) {
          ConsoleAudit.record(
              handle.platform(),
              "loads.retry",
              feed == null ? "every feed" : feed,
              Map.of("loads", targets.stream().map(Load::id).toList()));
        }
        LandingStore landing = LandingStores.open(handle.platform().config());
        int retried = 0;
        for (Load load : targets) {
          if (load.status() != LoadStatus.ERRORED) {
            throw new InvalidInputException(
                "Cannot retry load %d: it is %s; only errored loads are retried"
                    .formatted(load.id(), load.status().sql()));
          }
          String stored = load.storedKey().orElse(null);
          if (stored != null && landing.isStored(stored)) {
            landing.restore(stored, load.objectKey());
          } else if (!landing.exists(load.objectKey())) {
            throw new InvalidInputException(
                "Cannot retry load %d: its file is neither at %s nor back at %s"
                    .formatted(load.id(), stored, load.objectKey()));
          }
          ledger.transition(load.id(), LoadStatus.ERRORED, LoadStatus.READY);
          retried++;
          console.line("load %d (%s) is ready again", load.id(), load.objectKey());
        }
        console.line(
            retried == 0
                ? "No errored loads to retry."
                : "%d load(s) re-queued; run: adlake ingest".formatted(retried));
      }
      return 0;
    }
  }
}
