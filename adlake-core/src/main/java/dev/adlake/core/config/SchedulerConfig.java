package dev.adlake.core.config;

import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pipelines and the scheduler: how many jobs of a pipeline run at once, how often the scheduler
 * looks for due work, each job's policy ({@code jobs.<name>.*}: retries, backoff, timeout,
 * concurrency cap, deadline) and the schedules ({@code schedules.<name>.*}: cron and what runs).
 *
 * @param policies the policy of each job named under {@code jobs.}; other jobs take the default
 */
public record SchedulerConfig(
    int parallelism,
    Duration pollInterval,
    Duration heartbeatInterval,
    int threads,
    Map<String, JobPolicy> policies,
    List<ScheduleEntry> schedules) {
  static final String JOBS_PREFIX = "jobs.";
  static final String SCHEDULES_PREFIX = "schedules.";

  public static final ConfigKey<Integer> PARALLELISM =
      ConfigKey.of(
          "pipeline.parallelism",
          ValueType.integer(1, 64),
          "2",
          "Jobs of a pipeline that may run at once, when their inputs allow");
  public static final ConfigKey<Duration> POLL_INTERVAL =
      ConfigKey.of(
          "scheduler.poll-interval",
          ValueType.duration(),
          "1s",
          "How often 'adlake scheduler' looks in PostgreSQL for due schedules");
  public static final ConfigKey<Duration> HEARTBEAT_INTERVAL =
      ConfigKey.of(
          "scheduler.heartbeat-interval",
          ValueType.duration(),
          "30s",
          "How often a scheduler marks its running work alive; work of a scheduler silent for four"
              + " intervals is taken over by another");
  public static final ConfigKey<Integer> THREADS =
      ConfigKey.of(
          "scheduler.threads",
          ValueType.integer(1, 64),
          "2",
          "Schedules one scheduler runs at once");

  private static final Set<String> JOB_PROPERTIES =
      Set.of(
          "retries", "retry-backoff", "retry-max-backoff", "timeout", "max-concurrent", "deadline");
  private static final Set<String> SCHEDULE_PROPERTIES =
      Set.of("cron", "job", "only", "from", "parameters");

  public SchedulerConfig {
    policies = Map.copyOf(policies);
    schedules = List.copyOf(schedules);
  }

  /** The policy of the job: its {@code jobs.<name>.*} settings over the defaults. */
  public JobPolicy policy(String job) {
    return policies.getOrDefault(job, JobPolicy.DEFAULT);
  }

  static List<ConfigKey<?>> keys() {
    return List.of(PARALLELISM, POLL_INTERVAL, HEARTBEAT_INTERVAL, THREADS);
  }

  /** The documented properties of jobs and schedules, for the configuration reference. */
  public static String dynamicKeysHelp() {
    return "jobs.<job>.{"
        + String.join(", ", new TreeSet<>(JOB_PROPERTIES))
        + "} and schedules.<name>.{"
        + String.join(", ", new TreeSet<>(SCHEDULE_PROPERTIES))
        + "}";
  }

  static boolean isDynamic(String key) {
    return key.startsWith(JOBS_PREFIX) || key.startsWith(SCHEDULES_PREFIX);
  }

  static SchedulerConfig from(
      ConfigValues values, Map<String, FeedsConfig.Given> dynamic, List<ConfigProblem> problems) {
    Map<String, Map<String, FeedsConfig.Given>> jobs =
        group(dynamic, JOBS_PREFIX, JOB_PROPERTIES, problems);
    Map<String, Map<String, FeedsConfig.Given>> schedules =
        group(dynamic, SCHEDULES_PREFIX, SCHEDULE_PROPERTIES, problems);
    Map<String, JobPolicy> policies = new LinkedHashMap<>();
    jobs.forEach((job, properties) -> policies.put(job, policy(job, properties, problems)));
    List<ScheduleEntry> entries = new ArrayList<>();
    schedules.forEach(
        (name, properties) -> schedule(name, properties, problems).ifPresent(entries::add));
    return new SchedulerConfig(
        values.find(PARALLELISM).orElse(2),
        values.find(POLL_INTERVAL).orElse(Duration.ofSeconds(1)),
        values.find(HEARTBEAT_INTERVAL).orElse(Duration.ofSeconds(30)),
        values.find(THREADS).orElse(2),
        policies,
        entries);
  }

  private static Map<String, Map<String, FeedsConfig.Given>> group(
      Map<String, FeedsConfig.Given> given,
      String prefix,
      Set<String> properties,
      List<ConfigProblem> problems) {
    Map<String, Map<String, FeedsConfig.Given>> grouped = new LinkedHashMap<>();
    given.forEach(
        (key, value) -> {
          if (!key.startsWith(prefix)) {
            return;
          }
          String rest = key.substring(prefix.length());
          int dot = rest.lastIndexOf('.');
          if (dot <= 0 || !properties.contains(rest.substring(dot + 1))) {
            problems.add(
                new ConfigProblem(
                    key,
                    value.text(),
                    value.origin(),
                    "unknown property; %s<name> has %s"
                        .formatted(prefix, String.join(", ", new TreeSet<>(properties)))));
            return;
          }
          grouped
              .computeIfAbsent(rest.substring(0, dot), name -> new LinkedHashMap<>())
              .put(rest.substring(dot + 1), value);
        });
    return grouped;
  }

  private static JobPolicy policy(
      String job, Map<String, FeedsConfig.Given> properties, List<ConfigProblem> problems) {
    String key = JOBS_PREFIX + job + ".";
    JobPolicy defaults = JobPolicy.DEFAULT;
    int retries =
        value(
            key + "retries",
            properties.get("retries"),
            ValueType.integer(0, 100),
            defaults.retries(),
            problems);
    Duration backoff =
        value(
            key + "retry-backoff",
            properties.get("retry-backoff"),
            ValueType.duration(),
            defaults.backoff(),
            problems);
    Duration maxBackoff =
        value(
            key + "retry-max-backoff",
            properties.get("retry-max-backoff"),
            ValueType.duration(),
            defaults.maxBackoff(),
            problems);
    Duration timeout =
        value(key + "timeout", properties.get("timeout"), ValueType.duration(), null, problems);
    int maxConcurrent =
        value(
            key + "max-concurrent",
            properties.get("max-concurrent"),
            ValueType.integer(1, 1000),
            defaults.maxConcurrent(),
            problems);
    Duration deadline =
        value(key + "deadline", properties.get("deadline"), ValueType.duration(), null, problems);
    return new JobPolicy(
        retries,
        backoff,
        maxBackoff,
        Optional.ofNullable(timeout),
        maxConcurrent,
        Optional.ofNullable(deadline));
  }

  private static Optional<ScheduleEntry> schedule(
      String name, Map<String, FeedsConfig.Given> properties, List<ConfigProblem> problems) {
    String key = SCHEDULES_PREFIX + name + ".";
    int before = problems.size();
    if (!name.matches("[a-z][a-z0-9-]*")) {
      problems.add(
          new ConfigProblem(
              SCHEDULES_PREFIX + name,
              null,
              null,
              "a schedule name must be lower case words joined by '-'"));
    }
    FeedsConfig.Given cron = properties.get("cron");
    if (cron == null) {
      problems.add(
          new ConfigProblem(
              key + "cron",
              null,
              null,
              "is required: six fields, seconds first, such as '0 5 * * * *'"));
    } else {
      try {
        Schedules.cron(cron.text().trim());
      } catch (RuntimeException e) {
        problems.add(
            new ConfigProblem(
                key + "cron",
                cron.text(),
                cron.origin(),
                "must be a cron expression of six fields, seconds first, such as '0 5 * * * *' ("
                    + e.getMessage()
                    + ")"));
      }
    }
    Optional<String> job = Optional.ofNullable(properties.get("job")).map(g -> g.text().trim());
    Optional<String> only = Optional.ofNullable(properties.get("only")).map(g -> g.text().trim());
    Optional<String> from = Optional.ofNullable(properties.get("from")).map(g -> g.text().trim());
    if (job.isPresent() && (only.isPresent() || from.isPresent())) {
      problems.add(
          new ConfigProblem(
              key + "job",
              job.get(),
              properties.get("job").origin(),
              "cannot go with 'only' or 'from', which select jobs of the pipeline"));
    }
    Map<String, String> parameters = Map.of();
    FeedsConfig.Given parameterText = properties.get("parameters");
    if (parameterText != null) {
      if (job.isEmpty()) {
        problems.add(
            new ConfigProblem(
                key + "parameters",
                parameterText.text(),
                parameterText.origin(),
                "needs 'job': parameters are a job's"));
      }
      try {
        parameters = pairs(parameterText.text());
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                key + "parameters",
                parameterText.text(),
                parameterText.origin(),
                "must be name=value pairs separated by commas"));
      }
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new ScheduleEntry(name, cron.text().trim(), job, only, from, parameters));
  }

  private static Map<String, String> pairs(String text) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int equals = part.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException();
      }
      pairs.put(part.substring(0, equals).trim(), part.substring(equals + 1).trim());
    }
    return pairs;
  }

  private static <T> T value(
      String key,
      FeedsConfig.Given given,
      ValueType<T> type,
      T fallback,
      List<ConfigProblem> problems) {
    if (given == null) {
      return fallback;
    }
    try {
      return type.parse(given.text());
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem(key, given.text(), given.origin(), "must be " + type.rule()));
      return fallback;
    }
  }
}
