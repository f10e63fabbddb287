package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a job is, independent of the engine that runs it: its name, its one domain, the datasets it
 * reads and writes, and the parameters it accepts. Lineage and pipelines are drawn from these
 * declarations.
 *
 * <p>A streaming job declares the boolean parameter {@value #ONCE}, so that a pipeline can run it
 * over what its sources hold and have it stop. A job that works on one day at a time declares the
 * date parameter {@value #DAY}; {@code adlake backfill} runs it over a range of days.
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
  /** The parameter that bounds a streaming job: work through what is there now, then stop. */
  public static final String ONCE = "once";

  /** The parameter of a job that works on one day; backfills set it. */
  public static final String DAY = "day";

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
    if (kind == JobKind.STREAMING && parameter(parameters, ONCE).isEmpty()) {
      throw new IllegalArgumentException(
          "Streaming job %s must declare the parameter '%s', so a pipeline can bound it"
              .formatted(name, ONCE));
    }
  }

  /** Whether {@code adlake backfill} can run it: it takes a {@value #DAY} parameter. */
  public boolean byDay() {
    return parameter(parameters, DAY).isPresent();
  }

  private static java.util.Optional<JobParameter<?>> parameter(
      List<JobParameter<?>> parameters, String name) {
    return parameters.stream().filter(parameter -> parameter.name().equals(name)).findFirst();
  }
}
