package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AlreadyExistsException;
import dev.adlake.core.ConflictException;
import dev.adlake.core.NotFoundException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs of the platform by name. Refuses a job placed in a second domain and a name taken twice.
 *
 * @param <J> what is registered: a definition, or an engine's runnable job
 */
public final class JobRegistry<J> {
  private final Map<String, J> jobs = new LinkedHashMap<>();
  private final Map<String, JobDefinition> definitions = new LinkedHashMap<>();
  private final java.util.function.Function<J, JobDefinition> definitionOf;

  public JobRegistry(java.util.function.Function<J, JobDefinition> definitionOf) {
    this.definitionOf = requireNonNull(definitionOf, "definitionOf is null");
  }

  /** A registry of plain definitions. */
  public static JobRegistry<JobDefinition> ofDefinitions() {
    return new JobRegistry<>(definition -> definition);
  }

  /**
   * Adds a job.
   *
   * @throws ConflictException when a job of the same name is in another domain
   * @throws AlreadyExistsException when a job of the same name is already registered
   */
  public JobRegistry<J> register(J job) {
    JobDefinition definition = definitionOf.apply(requireNonNull(job, "job is null"));
    JobDefinition existing = definitions.get(definition.name());
    if (existing != null && existing.domain() != definition.domain()) {
      throw new ConflictException(
          "Cannot register job %s in domain %s: it is already in domain %s, and a job belongs to exactly one domain"
              .formatted(
                  definition.name(), definition.domain().title(), existing.domain().title()));
    }
    if (existing != null) {
      throw new AlreadyExistsException(
          "Cannot register job %s: a job of that name is already registered"
              .formatted(definition.name()));
    }
    jobs.put(definition.name(), job);
    definitions.put(definition.name(), definition);
    return this;
  }

  /**
   * The job of that name.
   *
   * @throws NotFoundException listing the known names
   */
  public J get(String name) {
    J job = jobs.get(name);
    if (job == null) {
      throw new NotFoundException(
          "No job named '%s'; known jobs: %s".formatted(name, String.join(", ", jobs.keySet())));
    }
    return job;
  }

  public Collection<J> all() {
    return Collections.unmodifiableCollection(jobs.values());
  }

  public List<JobDefinition> definitions() {
    return List.copyOf(definitions.values());
  }
}
