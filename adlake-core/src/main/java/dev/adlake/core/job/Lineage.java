package dev.adlake.core.job;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Draws the data flow of registered jobs as a Mermaid flowchart, in the shapes of the data-flow
 * design: jobs grouped in one subgraph per domain, datasets in one subgraph per store.
 *
 * <p>Shapes: {@code (batch job)}, {@code {streaming job}}, {@code >Kafka topic]}, {@code [/landing
 * files/]}, {@code [table]}, {@code [[view]]}, {@code [(API)]}, {@code ((external))}.
 */
public final class Lineage {
  private Lineage() {}

  /** The Mermaid source of the flowchart, ready to paste in a Markdown code block. */
  public static String mermaid(List<JobDefinition> jobs) {
    return mermaid(jobs, Set.of());
  }

  /**
   * The flowchart with the tables that hold user-level data (named by the table catalog) outlined
   * in red: where an erasure must reach.
   */
  public static String mermaid(List<JobDefinition> jobs, Set<String> userDataTables) {
    Map<DatasetKind, Set<String>> datasets = new EnumMap<>(DatasetKind.class);
    Map<Domain, List<JobDefinition>> byDomain = new EnumMap<>(Domain.class);
    for (JobDefinition job : jobs) {
      byDomain.computeIfAbsent(job.domain(), domain -> new ArrayList<>()).add(job);
      for (Dataset dataset : concat(job.reads(), job.writes())) {
        datasets.computeIfAbsent(dataset.kind(), kind -> new LinkedHashSet<>()).add(dataset.name());
      }
    }

    StringBuilder out = new StringBuilder("flowchart LR\n");
    out.append(
        "  %% (batch job) {streaming job} >Kafka topic] [/landing files/] [table] [[view]]"
            + " [(API)] ((external))\n");
    // A subgraph per store, named after its first kind: the lake's tables and views share one.
    Map<String, StringBuilder> stores = new LinkedHashMap<>();
    for (Map.Entry<DatasetKind, Set<String>> kindDatasets : datasets.entrySet()) {
      DatasetKind kind = kindDatasets.getKey();
      StringBuilder store =
          stores.computeIfAbsent(
              kind.store(),
              title ->
                  new StringBuilder(
                      "  subgraph store_%s [%s]\n".formatted(id(kind.name()), title)));
      for (String name : kindDatasets.getValue()) {
        store.append("    ").append(node(new Dataset(kind, name))).append('\n');
      }
    }
    stores.values().forEach(store -> out.append(store).append("  end\n"));
    for (Map.Entry<Domain, List<JobDefinition>> domain : byDomain.entrySet()) {
      out.append(
          "  subgraph domain_%s [%s]\n"
              .formatted(id(domain.getKey().name()), domain.getKey().title()));
      for (JobDefinition job : domain.getValue()) {
        String label = job.name();
        out.append("    ")
            .append(jobId(job))
            .append(job.kind() == JobKind.STREAMING ? "{" + label + "}" : "(" + label + ")")
            .append('\n');
      }
      out.append("  end\n");
    }
    Map<String, String> edges = new LinkedHashMap<>();
    for (JobDefinition job : jobs) {
      for (Dataset read : job.reads()) {
        edges.putIfAbsent(datasetId(read) + " --> " + jobId(job), "");
      }
      for (Dataset write : job.writes()) {
        edges.putIfAbsent(jobId(job) + " --> " + datasetId(write), "");
      }
    }
    edges.keySet().forEach(edge -> out.append("  ").append(edge).append('\n'));
    List<String> userData = new ArrayList<>();
    for (DatasetKind kind : List.of(DatasetKind.TABLE, DatasetKind.SERVING_TABLE)) {
      for (String name : datasets.getOrDefault(kind, Set.of())) {
        if (userDataTables.contains(name)) {
          userData.add(datasetId(new Dataset(kind, name)));
        }
      }
    }
    if (!userData.isEmpty()) {
      out.append("  %% outlined in red: tables holding user-level data\n");
      out.append("  classDef userdata stroke:#b3261e,stroke-width:2px\n");
      out.append("  class ").append(String.join(",", userData)).append(" userdata\n");
    }
    return out.toString();
  }

  private static String node(Dataset dataset) {
    String id = datasetId(dataset);
    String label = dataset.name();
    return switch (dataset.kind()) {
      case FILES, ARCHIVE -> id + "[/" + trimSlashes(label) + "/]";
      case TOPIC -> id + ">" + label + "]";
      case TABLE, SERVING_TABLE -> id + "[" + label + "]";
      case TABLES -> id + "[" + label + "]";
      case VIEW -> id + "[[" + label + "]]";
      case API -> id + "[(" + label + ")]";
      case EXTERNAL -> id + "((" + label + "))";
    };
  }

  private static String jobId(JobDefinition job) {
    return "job_" + id(job.name());
  }

  private static String datasetId(Dataset dataset) {
    return dataset.kind().name().toLowerCase(Locale.ROOT) + "_" + id(dataset.name());
  }

  private static String id(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
  }

  private static String trimSlashes(String path) {
    return path.replaceAll("^/+|/+$", "");
  }

  private static List<Dataset> concat(List<Dataset> a, List<Dataset> b) {
    List<Dataset> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
