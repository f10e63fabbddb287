package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a job is, independent of the engine that runs it: its name, its one domain, the datasets it
 * reads and writes, and the parameters it accepts. Lineage is drawn from these declarations.
 *
 * @param name lower case words joined by {@code -}, unique across the platform
 */
public record JobDefinition(
    String name,
    Domain domain,
    JobKind kind,
    String description,
    List<Dataset> reads,
    List<Dataset> writes,
    List<JobParameter<?>> parameters) {
  public JobDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(domain, "domain is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(description, "description is null");
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
    parameters = List.copyOf(parameters);
    if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "Job name '%s' must be lower case words joined by '-'".formatted(name));
    }
    if (writes.isEmpty()) {
      throw new IllegalArgumentException("Job %s declares no dataset it writes".formatted(name));
    }
  }
}
