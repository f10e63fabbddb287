package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.table.ServingTables;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The platform's health at a glance, from PostgreSQL alone: the latest run of every job, the loads
 * of every feed, the serving store's freshness and the recent alerts. What {@code adlake monitor}
 * prints; the Prometheus metrics say the same over time.
 */
public final class JdbcHealth {
  /** The window of the feeds' recent counts and of the alerts shown. */
  public static final Duration WINDOW = Duration.ofHours(24);

  private final DataSource dataSource;
  private final RunLedger runs;
  private final JdbcAlerts alerts;
  private final Clock clock;

  public JdbcHealth(DataSource dataSource, Clock clock) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.runs = new JdbcRunLedger(dataSource);
    this.alerts = new JdbcAlerts(dataSource);
  }

  /**
   * A job's latest finished run, its latest success and whether a run is going on now.
   *
   * @param latest the latest finished run (succeeded or failed)
   * @param lastSuccess when its latest successful run ended, if one did
   */
  public record JobHealth(String job, Run latest, Optional<Instant> lastSuccess) {
    public boolean failed() {
      return latest.status() == RunStatus.FAILED;
    }
  }

  /**
   * A feed's loads: the last file loaded ever, and the files of the window.
   *
   * @param lastLoaded when its last file was committed, if ever
   * @param files files discovered in the window
   * @param errored of those, files that failed
   * @param rowsRead rows read from the window's files
   * @param rowsRejected of those, rows rejected
   * @param waiting files discovered and not loaded yet, whenever discovered
   */
  public record FeedHealth(
      String feed,
      Optional<Instant> lastLoaded,
      long files,
      long errored,
      long rowsRead,
      long rowsRejected,
      long waiting) {
    /** Rejected rows over rows read in the window; 0 when none were read. */
    public double rejectShare() {
      return rowsRead == 0 ? 0 : (double) rowsRejected / rowsRead;
    }
  }

  /**
   * A feed's loads since the ledger began, for counters: files loaded and errored, rows read and
   * rejected, files waiting, and when its last file was loaded.
   */
  public record FeedTotals(
      String feed,
      Optional<Instant> lastLoaded,
      long archived,
      long errored,
      long rowsRead,
      long rowsRejected,
      long waiting) {}

  /** Every feed's totals, by feed name. */
  public List<FeedTotals> feedTotals() {
    return Jdbc.query(
        dataSource,
        "read the feeds' loads",
        "SELECT feed, max(finished_at) FILTER (WHERE status = 'archived'),"
            + " count(*) FILTER (WHERE status = 'archived'),"
            + " count(*) FILTER (WHERE status = 'errored'),"
            + " coalesce(sum(rows_read) FILTER (WHERE status = 'archived'), 0),"
            + " coalesce(sum(rows_rejected) FILTER (WHERE status = 'archived'), 0),"
            + " count(*) FILTER (WHERE status IN ('ready', 'ingesting'))"
            + " FROM adlake.loads GROUP BY feed ORDER BY feed",
        statement -> {},
        row ->
            new FeedTotals(
                row.getString(1),
                Optional.ofNullable(row.getTimestamp(2)).map(Timestamp::toInstant),
                row.getLong(3),
                row.getLong(4),
                row.getLong(5),
                row.getLong(6),
                row.getLong(7)));
  }

  /** The latest finished run of every job. */
  public List<Run> latestRuns() {
    return runs.latestFinishedOfEachJob();
  }

  /** The latest successful run of every job. */
  public List<Run> latestSuccesses() {
    return runs.latestSuccessOfEachJob();
  }

  /**
   * The health read at {@code at}.
   *
   * @param newestHour the newest hour of the serving store, if any
   * @param lastRefresh when the serving store was last refreshed, if ever
   * @param alerts the alerts raised in the window, newest first
   */
  public record Health(
      Instant at,
      List<JobHealth> jobs,
      List<FeedHealth> feeds,
      Optional<Instant> newestHour,
      Optional<Instant> lastRefresh,
      List<Alert> alerts) {}

  public Health read() {
    Instant now = clock.instant();
    Instant since = now.minus(WINDOW);
    Map<String, Instant> successes =
        runs.latestSuccessOfEachJob().stream()
            .filter(run -> run.endedAt().isPresent())
            .collect(Collectors.toMap(Run::jobName, run -> run.endedAt().get()));
    List<JobHealth> jobs = new ArrayList<>();
    for (Run run : runs.latestFinishedOfEachJob()) {
      jobs.add(
          new JobHealth(run.jobName(), run, Optional.ofNullable(successes.get(run.jobName()))));
    }
    List<FeedHealth> feeds =
        Jdbc.query(
            dataSource,
            "read the feeds' loads",
            "SELECT feed,"
                + " max(finished_at) FILTER (WHERE status IN"
                + " ('ready_for_archiving', 'archiving', 'archived')),"
                + " count(*) FILTER (WHERE discovered_at >= ?),"
                + " count(*) FILTER (WHERE discovered_at >= ? AND status IN"
                + " ('ready_for_erroring', 'erroring', 'errored')),"
                + " coalesce(sum(rows_read) FILTER (WHERE discovered_at >= ?), 0),"
                + " coalesce(sum(rows_rejected) FILTER (WHERE discovered_at >= ?), 0),"
                + " count(*) FILTER (WHERE status IN ('ready', 'ingesting'))"
                + " FROM adlake.loads GROUP BY feed ORDER BY feed",
            statement -> {
              Timestamp start = Timestamp.from(since);
              for (int i = 1; i <= 4; i++) {
                statement.setTimestamp(i, start);
              }
            },
            row ->
                new FeedHealth(
                    row.getString(1),
                    Optional.ofNullable(row.getTimestamp(2)).map(Timestamp::toInstant),
                    row.getLong(3),
                    row.getLong(4),
                    row.getLong(5),
                    row.getLong(6),
                    row.getLong(7)));
    Optional<Instant> newestHour =
        instant(
            "SELECT max(hour) FROM "
                + ServingTables.METRICS_HOURLY
                + " WHERE level = 'advertiser'");
    Optional<Instant> lastRefresh =
        instant("SELECT max(refreshed_at) FROM " + ServingTables.REFRESHES);
    List<Alert> recent =
        alerts.recent(100).stream().filter(alert -> !alert.raisedAt().isBefore(since)).toList();
    return new Health(now, jobs, feeds, newestHour, lastRefresh, recent);
  }

  private Optional<Instant> instant(String sql) {
    return Jdbc.query(
            dataSource,
            "read the serving store's freshness",
            sql,
            statement -> {},
            row -> Optional.ofNullable(row.getTimestamp(1)).map(Timestamp::toInstant))
        .stream()
        .findFirst()
        .flatMap(Function.identity());
  }
}
