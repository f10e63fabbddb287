package dev.adlake.core.run;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ConflictException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobCatalog;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.metadata.Backfill;
import dev.adlake.core.metadata.JdbcBackfills;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.metadata.Run;
import dev.adlake.core.metadata.RunLedger;
import dev.adlake.core.metadata.RunStart;
import dev.adlake.core.metadata.RunStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs a job over a range of days, one day after the other, each day once: a backfill is recorded,
 * so running the same backfill again after a crash resumes it, and a day the job has already done
 * (a succeeded run with that day) is skipped unless forced.
 */
public final class BackfillRunner {
  /** What became of a day. */
  public enum DayState {
    /** Done by this run of the backfill. */
    DONE,
    /** Done before by this backfill, before it was interrupted. */
    DONE_BEFORE,
    /** Done before by another run of the job, and not forced. */
    ALREADY_DONE
  }

  /** What happens, day by day. */
  public interface Listener {
    default void resumed(Backfill backfill, int daysDone) {}

    default void started(LocalDate day) {}

    default void progress(LocalDate day, String line) {}

    default void day(LocalDate day, DayState state, Optional<JobRunner.Outcome> outcome) {}
  }

  private final JobCatalog catalog;
  private final JobRunner runner;
  private final RunLedger ledger;
  private final JdbcBackfills backfills;
  private final JdbcLocks locks;

  public BackfillRunner(
      JobCatalog catalog,
      JobRunner runner,
      RunLedger ledger,
      JdbcBackfills backfills,
      JdbcLocks locks) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.runner = requireNonNull(runner, "runner is null");
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.backfills = requireNonNull(backfills, "backfills is null");
    this.locks = requireNonNull(locks, "locks is null");
  }

  /**
   * Runs or resumes the backfill of the job from {@code first} to {@code last}, both included.
   *
   * @param force run days the job has already done (not those this backfill did before a crash)
   * @return the backfill, succeeded
   * @throws InvalidInputException for a job without a day parameter or an empty range
   * @throws ConflictException when the same backfill is running in another process
   */
  public Backfill run(
      String jobName,
      LocalDate first,
      LocalDate last,
      boolean force,
      Map<String, String> parameters,
      Listener listener) {
    Job job = catalog.get(jobName);
    if (!job.definition().byDay()) {
      throw new InvalidInputException(
          "Cannot backfill job %s: it takes no '%s' parameter; jobs that do: %s"
              .formatted(
                  jobName,
                  JobDefinition.DAY,
                  String.join(
                      ", ",
                      catalog.definitions().stream()
                          .filter(JobDefinition::byDay)
                          .map(JobDefinition::name)
                          .toList())));
    }
    if (first.isAfter(last)) {
      throw new InvalidInputException(
          "Cannot backfill job %s from %s to %s: the first day is after the last"
              .formatted(jobName, first, last));
    }
    if (parameters.containsKey(JobDefinition.DAY)) {
      throw new InvalidInputException(
          "Cannot backfill job %s with the parameter '%s': the backfill sets it for each day"
              .formatted(jobName, JobDefinition.DAY));
    }
    Optional<Backfill> unfinished = backfills.unfinished(jobName, first, last, force, parameters);
    Backfill backfill =
        unfinished.orElseGet(() -> backfills.start(jobName, first, last, force, parameters));
    try (JdbcLocks.Lock lock =
        locks
            .tryLock("backfill", (int) backfill.id())
            .orElseThrow(
                () ->
                    new ConflictException(
                        "Backfill %d of %s is running in another process"
                            .formatted(backfill.id(), jobName)))) {
      List<LocalDate> doneBefore =
          ledger.ofBackfill(backfill.id()).stream()
              .filter(run -> run.status() == RunStatus.SUCCEEDED)
              .map(Run::parameters)
              .map(given -> LocalDate.parse(given.get(JobDefinition.DAY)))
              .toList();
      if (unfinished.isPresent()) {
        backfills.mark(backfill.id(), RunStatus.RUNNING);
        listener.resumed(backfill, doneBefore.size());
      }
      for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
        if (doneBefore.contains(day)) {
          listener.day(day, DayState.DONE_BEFORE, Optional.empty());
          continue;
        }
        if (!force && ledger.succeededWith(jobName, JobDefinition.DAY, day.toString())) {
          listener.day(day, DayState.ALREADY_DONE, Optional.empty());
          continue;
        }
        Map<String, String> given = new LinkedHashMap<>(parameters);
        given.put(JobDefinition.DAY, day.toString());
        LocalDate current = day;
        listener.started(day);
        Consumer<String> progress = line -> listener.progress(current, line);
        JobRunner.Outcome outcome;
        try {
          outcome =
              runner.run(job, given, RunStart.inBackfill(backfill.id(), Instant.now()), progress);
        } catch (RuntimeException e) {
          backfills.mark(backfill.id(), RunStatus.FAILED);
          throw e;
        }
        listener.day(day, DayState.DONE, Optional.of(outcome));
      }
      backfills.mark(backfill.id(), RunStatus.SUCCEEDED);
    }
    return backfill;
  }
}
