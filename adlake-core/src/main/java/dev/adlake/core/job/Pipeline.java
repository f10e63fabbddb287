package dev.adlake.core.job;

import dev.adlake.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Jobs in the order their declared datasets imply: a job runs after every job that writes a dataset
 * it reads. Built from the whole catalog, it refuses at once a cycle (naming its path and the
 * datasets that close it) and a lake or serving table read by a job that no job writes. Between
 * jobs that do not depend on each other, the catalog's order decides.
 */
public final class Pipeline {
  /** Kinds of datasets that only jobs make: reading one that no job writes is an error. */
  private static final Set<DatasetKind> MADE_BY_JOBS =
      EnumSet.of(
          DatasetKind.TABLE, DatasetKind.TABLES, DatasetKind.VIEW, DatasetKind.SERVING_TABLE);

  /**
   * Domains whose jobs run apart from the rest, on their own schedule ({@code --only clean-room},
   * or from one of their jobs): the clean room's flywheel runs monthly on a new snapshot, not with
   * every run of the pipeline.
   */
  public static final Set<Domain> APART = EnumSet.of(Domain.CLEAN_ROOM);

  /**
   * Domains whose jobs stand outside the data's way: maintenance acts on every table of the
   * catalog, monitoring watches what the pipeline made; both run on their own schedules.
   */
  public static final Set<Domain> STANDALONE = EnumSet.of(Domain.MAINTENANCE, Domain.MONITORING);

  private final List<JobDefinition> order;
  private final List<JobDefinition> graph;
  private final Map<String, Set<String>> upstream;
  private final Map<String, Map<String, Dataset>> through;
  private final String selection;
  private final List<JobDefinition> standalone;

  private Pipeline(
      List<JobDefinition> order,
      List<JobDefinition> graph,
      Map<String, Set<String>> upstream,
      Map<String, Map<String, Dataset>> through,
      String selection,
      List<JobDefinition> standalone) {
    this.order = List.copyOf(order);
    this.graph = List.copyOf(graph);
    this.upstream = upstream;
    this.through = through;
    this.selection = selection;
    this.standalone = List.copyOf(standalone);
  }

  /**
   * The pipeline of every job, in dependency order. The {@link #STANDALONE} domains' jobs stand
   * apart, run on their own (a schedule of the job, {@code --only maintenance}), never as a step of
   * the data's way. The jobs of the domains that run {@link #APART} are ordered with the rest but
   * left out of "all jobs".
   *
   * @throws InvalidInputException on a cycle or a dataset no job writes, naming them
   */
  public static Pipeline of(List<JobDefinition> all) {
    List<JobDefinition> standalone =
        all.stream().filter(job -> STANDALONE.contains(job.domain())).toList();
    List<JobDefinition> jobs =
        all.stream().filter(job -> !STANDALONE.contains(job.domain())).toList();
    Map<String, JobDefinition> byName = new LinkedHashMap<>();
    jobs.forEach(job -> byName.put(job.name(), job));
    Map<Dataset, List<String>> writers = new LinkedHashMap<>();
    for (JobDefinition job : jobs) {
      job.writes()
          .forEach(
              dataset -> writers.computeIfAbsent(dataset, d -> new ArrayList<>()).add(job.name()));
    }
    List<String> unknown = new ArrayList<>();
    Map<String, Set<String>> upstream = new LinkedHashMap<>();
    Map<String, Map<String, Dataset>> through = new LinkedHashMap<>();
    for (JobDefinition job : jobs) {
      Set<String> before = new LinkedHashSet<>();
      Map<String, Dataset> via = new LinkedHashMap<>();
      for (Dataset read : job.reads()) {
        List<String> writing = writers.getOrDefault(read, List.of());
        if (writing.isEmpty() && MADE_BY_JOBS.contains(read.kind())) {
          unknown.add(
              "job %s reads %s %s, which no job writes"
                  .formatted(job.name(), kindText(read.kind()), read.name()));
        }
        for (String writer : writing) {
          if (!writer.equals(job.name())) {
            before.add(writer);
            via.putIfAbsent(writer, read);
          }
        }
      }
      upstream.put(job.name(), before);
      through.put(job.name(), via);
    }
    if (!unknown.isEmpty()) {
      throw new InvalidInputException("Cannot build the pipeline: " + String.join("; ", unknown));
    }
    List<JobDefinition> graph = sort(jobs, upstream, through);
    List<JobDefinition> order =
        graph.stream().filter(job -> !APART.contains(job.domain())).toList();
    return new Pipeline(order, graph, upstream, through, "all jobs", standalone);
  }

  /** Kahn's order, ties broken by the catalog's order; a cycle is refused with its path. */
  private static List<JobDefinition> sort(
      List<JobDefinition> jobs,
      Map<String, Set<String>> upstream,
      Map<String, Map<String, Dataset>> through) {
    List<JobDefinition> order = new ArrayList<>();
    Set<String> placed = new LinkedHashSet<>();
    List<JobDefinition> left = new ArrayList<>(jobs);
    while (!left.isEmpty()) {
      JobDefinition next = null;
      for (JobDefinition job : left) {
        if (placed.containsAll(upstream.get(job.name()))) {
          next = job;
          break;
        }
      }
      if (next == null) {
        throw new InvalidInputException(
            "Cannot build the pipeline: its jobs form a cycle, " + cycle(left, upstream, through));
      }
      order.add(next);
      placed.add(next.name());
      left.remove(next);
    }
    return order;
  }

  /** A cycle among the jobs left, as "a -> b -> a (b reads x, written by a; ...)". */
  private static String cycle(
      List<JobDefinition> left,
      Map<String, Set<String>> upstream,
      Map<String, Map<String, Dataset>> through) {
    Set<String> remaining = new LinkedHashSet<>();
    left.forEach(job -> remaining.add(job.name()));
    // Every job left waits for another job left: walk back until a job repeats.
    List<String> path = new ArrayList<>();
    String current = left.get(0).name();
    while (!path.contains(current)) {
      path.add(current);
      String job = current;
      current = upstream.get(job).stream().filter(remaining::contains).findFirst().orElseThrow();
    }
    List<String> loop = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
    Collections.reverse(loop);
    // Start the path at the loop's job that comes first in the catalog.
    String first =
        left.stream().map(JobDefinition::name).filter(loop::contains).findFirst().orElseThrow();
    Collections.rotate(loop, -loop.indexOf(first));
    loop.add(loop.get(0));
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i + 1 < loop.size(); i++) {
      Dataset dataset = through.get(loop.get(i + 1)).get(loop.get(i));
      reasons.add(
          "%s reads %s, written by %s".formatted(loop.get(i + 1), dataset.name(), loop.get(i)));
    }
    return String.join(" -> ", loop) + " (" + String.join("; ", reasons) + ")";
  }

  /**
   * The jobs of one domain, or a job and every job after it, or both; a selected job still runs
   * after the selected jobs it depends on.
   *
   * @param from a job's name: it and every job that depends on it, directly or not
   * @param only a domain: only its jobs
   */
  public Pipeline select(Optional<String> from, Optional<Domain> only) {
    if (only.equals(Optional.of(Domain.MAINTENANCE)) && from.isEmpty()) {
      Map<String, Set<String>> none = new LinkedHashMap<>();
      standalone.forEach(job -> none.put(job.name(), Set.of()));
      return new Pipeline(standalone, standalone, none, through, "only Maintenance", standalone);
    }
    boolean apart =
        only.map(APART::contains).orElse(false)
            || from.flatMap(
                    name -> graph.stream().filter(job -> job.name().equals(name)).findFirst())
                .map(job -> APART.contains(job.domain()))
                .orElse(false);
    List<JobDefinition> pool = apart ? graph : order;
    Set<String> chosen = new LinkedHashSet<>();
    pool.forEach(job -> chosen.add(job.name()));
    String text = "all jobs";
    if (from.isPresent()) {
      if (!upstream.containsKey(from.get())) {
        throw new InvalidInputException(
            "Cannot run the pipeline from %s: no such job; jobs: %s"
                .formatted(from.get(), String.join(", ", upstream.keySet())));
      }
      chosen.retainAll(downstream(from.get()));
      text = "from " + from.get();
    }
    if (only.isPresent()) {
      pool.stream()
          .filter(job -> job.domain() != only.get())
          .forEach(job -> chosen.remove(job.name()));
      text = (from.isPresent() ? text + ", " : "") + "only " + only.get().title();
    }
    List<JobDefinition> selected =
        pool.stream().filter(job -> chosen.contains(job.name())).toList();
    Map<String, Set<String>> selectedUpstream = new LinkedHashMap<>();
    for (JobDefinition job : selected) {
      Set<String> before = new LinkedHashSet<>(upstream.get(job.name()));
      before.retainAll(chosen);
      selectedUpstream.put(job.name(), before);
    }
    return new Pipeline(selected, selected, selectedUpstream, through, text, standalone);
  }

  /** One job on its own, as a pipeline: what a schedule of one job runs. */
  public Pipeline job(String name) {
    JobDefinition job =
        java.util.stream.Stream.concat(graph.stream(), standalone.stream())
            .filter(candidate -> candidate.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "No job named '%s'; jobs: %s"
                            .formatted(name, String.join(", ", upstream.keySet()))));
    Map<String, Set<String>> none = new LinkedHashMap<>();
    none.put(name, Set.of());
    return new Pipeline(List.of(job), List.of(job), none, through, "job " + name, standalone);
  }

  /** The job and every job that depends on it, directly or not. */
  private Set<String> downstream(String job) {
    Set<String> found = new LinkedHashSet<>();
    found.add(job);
    for (JobDefinition candidate : graph) {
      if (upstream.get(candidate.name()).stream().anyMatch(found::contains)) {
        found.add(candidate.name());
      }
    }
    return found;
  }

  /** The jobs in the order they may start. */
  public List<JobDefinition> order() {
    return order;
  }

  /** The jobs of this pipeline that must succeed before this one starts. */
  public Set<String> upstream(String job) {
    Set<String> before = upstream.get(job);
    if (before == null && standalone.stream().anyMatch(s -> s.name().equals(job))) {
      return Set.of();
    }
    if (before == null) {
      throw new InvalidInputException("No job %s in this pipeline".formatted(job));
    }
    return Collections.unmodifiableSet(before);
  }

  /** A dataset that makes {@code job} wait for {@code upstreamJob}, for messages. */
  public Dataset through(String job, String upstreamJob) {
    return through.get(job).get(upstreamJob);
  }

  /** Which jobs it holds, as people read it: "all jobs", "from ad-metrics", "only Reporting". */
  public String selection() {
    return selection;
  }

  /**
   * The pipeline as a Mermaid flowchart of jobs, an arrow from each job to those that wait for it,
   * labelled by a dataset between them.
   */
  public String mermaid() {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    for (JobDefinition job : order) {
      String id = id(job.name());
      out.append("  ")
          .append(id)
          .append(job.kind() == JobKind.STREAMING ? "{" + job.name() + "}" : "(" + job.name() + ")")
          .append('\n');
    }
    for (JobDefinition job : order) {
      for (String before : upstream.get(job.name())) {
        out.append("  ")
            .append(id(before))
            .append(" -- ")
            .append(through(job.name(), before).name())
            .append(" --> ")
            .append(id(job.name()))
            .append('\n');
      }
    }
    return out.toString();
  }

  private static String id(String name) {
    return "job_" + name.replace('-', '_');
  }

  private static String kindText(DatasetKind kind) {
    return switch (kind) {
      case VIEW -> "view";
      case TABLES -> "tables";
      case SERVING_TABLE -> "serving table";
      default -> "table";
    };
  }
}
