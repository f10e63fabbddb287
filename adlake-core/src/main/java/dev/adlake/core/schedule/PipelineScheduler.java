package dev.adlake.core.schedule;

import static java.util.Objects.requireNonNull;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.ScheduleEntry;
import dev.adlake.core.config.SchedulerConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.RunLedger;
import dev.adlake.core.run.PipelineExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Runs the configured schedules ({@code schedules.<name>.*}) on cron, with db-scheduler on the
 * metadata PostgreSQL: each due execution of a schedule is claimed by exactly one scheduler, so any
 * number of {@code adlake scheduler} processes may run against one database and none runs a run
 * twice. A scheduler that dies mid-run stops sending heartbeats; another takes its run over.
 */
public final class PipelineScheduler implements AutoCloseable {
  /** What the scheduler does, for its console. */
  public interface Listener {
    default void due(ScheduleEntry schedule, Instant dueAt) {}

    default void ended(ScheduleEntry schedule, Instant dueAt, PipelineExecutor.Result result) {}

    /** A job's schedule waits for these jobs, which write its inputs, to end their runs. */
    default void waiting(ScheduleEntry schedule, List<String> upstream) {}
  }

  /** The table db-scheduler keeps each schedule's next execution in. */
  public static final String TABLE = "adlake.scheduled_tasks";

  private final Scheduler scheduler;
  private final List<ScheduleEntry> schedules;

  /**
   * @param name this scheduler's name, recorded with what it picks (host and process by default)
   * @throws InvalidInputException naming every schedule whose job, domain or first job is unknown
   */
  public PipelineScheduler(
      DataSource dataSource,
      SchedulerConfig config,
      Pipeline pipeline,
      PipelineExecutor executor,
      String name,
      Listener listener) {
    requireNonNull(dataSource, "dataSource is null");
    RunLedger runs = new JdbcRunLedger(dataSource);
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(executor, "executor is null");
    this.schedules = config.schedules();
    List<String> problems = new ArrayList<>();
    List<RecurringTask<Void>> tasks = new ArrayList<>();
    for (ScheduleEntry schedule : schedules) {
      Pipeline selected;
      try {
        selected = select(pipeline, schedule);
      } catch (InvalidInputException e) {
        problems.add("schedules.%s: %s".formatted(schedule.name(), e.getMessage()));
        continue;
      }
      tasks.add(
          Tasks.recurring(schedule.name(), Schedules.cron(schedule.cron()))
              .execute(
                  (instance, context) -> {
                    Instant dueAt = context.getExecution().getExecutionTime();
                    listener.due(schedule, dueAt);
                    if (schedule.job().isPresent()
                        && !waitForInputs(
                            schedule,
                            List.copyOf(pipeline.upstream(schedule.job().get())),
                            runs,
                            config.pollInterval(),
                            listener)) {
                      return;
                    }
                    PipelineExecutor.Result result =
                        executor.run(
                            selected,
                            "schedule %s, due %s".formatted(schedule.name(), dueAt),
                            dueAt,
                            schedule.job().isPresent()
                                ? Map.of(schedule.job().get(), schedule.parameters())
                                : Map.of(),
                            new PipelineExecutor.Listener() {});
                    listener.ended(schedule, dueAt, result);
                  }));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException("Cannot schedule: " + String.join("; ", problems));
    }
    this.scheduler =
        Scheduler.create(dataSource)
            .tableName(TABLE)
            .schedulerName(new SchedulerName.Fixed(name))
            .threads(config.threads())
            .pollingInterval(config.pollInterval())
            .heartbeatInterval(config.heartbeatInterval())
            // On Ctrl-C, runs in progress get this long to end; a run cut short is taken over
            // by another scheduler once its heartbeat stops.
            .shutdownMaxWait(Duration.ofSeconds(30))
            .startTasks(tasks)
            .build();
  }

  /**
   * Waits while a job that writes what the scheduled job reads is running, in any process, so the
   * job runs on fresh inputs; the deadline counts from the due time all the same.
   *
   * @return false when the scheduler stopped while it waited
   */
  private static boolean waitForInputs(
      ScheduleEntry schedule,
      List<String> upstream,
      RunLedger runs,
      Duration poll,
      Listener listener) {
    boolean told = false;
    while (upstream.stream().anyMatch(runs::running)) {
      if (!told) {
        listener.waiting(schedule, upstream.stream().filter(runs::running).toList());
        told = true;
      }
      try {
        Thread.sleep(Math.max(50, poll.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** The part of the pipeline a schedule runs. */
  static Pipeline select(Pipeline pipeline, ScheduleEntry schedule) {
    if (schedule.job().isPresent()) {
      return pipeline.job(schedule.job().get());
    }
    Optional<Domain> only = schedule.only().map(PipelineScheduler::domain);
    return pipeline.select(schedule.from(), only);
  }

  /**
   * A domain by its name as written in configuration: {@code reporting}, {@code cookie-mapping}.
   */
  public static Domain domain(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (Domain domain : Domain.values()) {
      if (domain.name().equals(name)) {
        return domain;
      }
    }
    throw new InvalidInputException(
        "No domain '%s'; domains: %s"
            .formatted(
                text,
                String.join(
                    ", ",
                    java.util.Arrays.stream(Domain.values())
                        .map(domain -> domain.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .toList())));
  }

  public List<ScheduleEntry> schedules() {
    return schedules;
  }

  public void start() {
    scheduler.start();
  }

  /** Stops picking new work and waits for what runs to end. */
  @Override
  public void close() {
    scheduler.stop();
  }
}
