package dev.adlake.cli;

import dev.adlake.core.metadata.Alert;
import dev.adlake.core.metadata.JdbcHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake monitor}: the platform's health at a glance, for users without Prometheus. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Print the platform's health at a glance: jobs, feeds, serving store, alerts.",
      "",
      "Reads the run records and the load ledger in PostgreSQL (no Spark): the latest run of",
      "every job, failed ones first; each feed's last load and its files, errors and rejects",
      "of the last 24 hours; the serving store's freshness; the alerts of the last 24 hours.",
      "The same health is in the Prometheus metrics of 'adlake serve' at /metrics."
    },
    footer = {"", "Examples:", "  adlake monitor", "  adlake --home /data/adlake monitor"})
final class MonitorCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), false);
    try (PlatformHandle handle = new PlatformHandle(root.loadConfig(), line -> {})) {
      JdbcHealth.Health health =
          new JdbcHealth(handle.platform().metadata().dataSource(), Clock.systemUTC()).read();
      print(health, console);
    }
    return 0;
  }

  /** The health as a few sections; the first line counts the problems. */
  static void print(JdbcHealth.Health health, Console console) {
    Instant now = health.at();
    long failedJobs = health.jobs().stream().filter(JdbcHealth.JobHealth::failed).count();
    long erroredFeeds = health.feeds().stream().filter(feed -> feed.errored() > 0).count();
    long problems = failedJobs + erroredFeeds + health.alerts().size();
    console.line(
        "Health at %s UTC: %s",
        TIME.format(now),
        problems == 0
            ? "no problem"
            : "%d failed job(s), %d feed(s) with errored files, %d alert(s)"
                .formatted(failedJobs, erroredFeeds, health.alerts().size()));

    console.line("");
    console.line("Jobs: the latest finished run of each (%d jobs)", health.jobs().size());
    if (health.jobs().isEmpty()) {
      console.line("  no run recorded yet: adlake pipeline run");
    } else {
      console.line(
          "  %-32s %-7s %7s %-14s %-14s %s",
          "JOB", "STATUS", "RUN", "ENDED", "LAST SUCCESS", "TOOK / ERROR");
      List<JdbcHealth.JobHealth> jobs =
          health.jobs().stream()
              .sorted(
                  Comparator.comparing((JdbcHealth.JobHealth job) -> !job.failed())
                      .thenComparing(JdbcHealth.JobHealth::job))
              .toList();
      for (JdbcHealth.JobHealth job : jobs) {
        Instant ended = job.latest().endedAt().orElse(job.latest().startedAt());
        console.line(
            "  %-32s %-7s %7d %-14s %-14s %s",
            job.job(),
            job.failed() ? "FAILED" : "ok",
            job.latest().id(),
            ago(now, ended),
            job.lastSuccess().map(time -> ago(now, time)).orElse("never"),
            job.failed()
                ? job.latest().error().map(MonitorCommand::firstLine).orElse("")
                : "%.1f s"
                    .formatted(
                        Duration.between(job.latest().startedAt(), ended).toMillis() / 1000.0));
      }
    }

    console.line("");
    console.line("Feeds: the last file loaded, and the files of the last 24 hours");
    if (health.feeds().isEmpty()) {
      console.line("  no file recorded yet: adlake ingest");
    } else {
      console.line(
          "  %-34s %-14s %7s %8s %8s %10s",
          "FEED", "LAST LOAD", "FILES", "ERRORED", "WAITING", "REJECTED");
      for (JdbcHealth.FeedHealth feed : health.feeds()) {
        console.line(
            "  %-34s %-14s %7d %8d %8d %9.2f%%",
            feed.feed(),
            feed.lastLoaded().map(time -> ago(now, time)).orElse("never"),
            feed.files(),
            feed.errored(),
            feed.waiting(),
            feed.rejectShare() * 100);
      }
    }

    console.line("");
    console.line(
        "Serving store: newest hour %s, last refresh %s",
        health
            .newestHour()
            .map(hour -> TIME.format(hour) + " (" + ago(now, hour) + ")")
            .orElse("none (adlake metrics fills it)"),
        health.lastRefresh().map(time -> ago(now, time)).orElse("never"));
    console.line(
        "Alerts of the last 24 hours: %s",
        health.alerts().isEmpty() ? "none" : Integer.toString(health.alerts().size()));
    for (Alert alert : health.alerts()) {
      console.line("  %s %s: %s", TIME.format(alert.raisedAt()), alert.kind(), alert.message());
    }
  }

  /**
   * How long ago, in the largest unit that says it: "42 s ago", "3 min ago", "5 h ago", "2 d ago".
   */
  static String ago(Instant now, Instant then) {
    long seconds = Math.max(0, Duration.between(then, now).toSeconds());
    if (seconds < 120) {
      return seconds + " s ago";
    }
    if (seconds < 7200) {
      return seconds / 60 + " min ago";
    }
    if (seconds < 2 * 86400) {
      return seconds / 3600 + " h ago";
    }
    return seconds / 86400 + " d ago";
  }

  private static String firstLine(String text) {
    String line = text.lines().findFirst().orElse("");
    return line.length() > 100 ? line.substring(0, 99) + "…" : line;
  }
}
