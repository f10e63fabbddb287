package dev.adlake.core.job;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AlreadyExistsException;
import dev.adlake.core.ConflictException;
import dev.adlake.core.NotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every runnable job of the platform by name, whatever engine runs it, in the order they were
 * added. Refuses a job placed in a second domain and a name taken twice: the source of {@code
 * adlake jobs}, lineage, pipelines and the scheduler.
 */
public final class JobCatalog {
  private final Map<String, Job> jobs = new LinkedHashMap<>();

  /**
   * Adds a job.
   *
   * @throws ConflictException when a job of the same name is in another domain
   * @throws AlreadyExistsException when a job of the same name is already in the catalog
   */
  public JobCatalog add(Job job) {
    JobDefinition definition = requireNonNull(job, "job is null").definition();
    Job existing = jobs.get(definition.name());
    if (existing != null && existing.definition().domain() != definition.domain()) {
      throw new ConflictException(
          "Cannot add job %s in domain %s: it is already in domain %s, and a job belongs to"
                  .formatted(
                      definition.name(),
                      definition.domain().title(),
                      existing.definition().domain().title())
              + " exactly one domain");
    }
    if (existing != null) {
      throw new AlreadyExistsException(
          "Cannot add job %s: a job of that name is already in the catalog"
              .formatted(definition.name()));
    }
    jobs.put(definition.name(), job);
    return this;
  }

  /** Adds every job of the list, in order. */
  public JobCatalog addAll(List<? extends Job> jobs) {
    jobs.forEach(this::add);
    return this;
  }

  /**
   * The job of that name.
   *
   * @throws NotFoundException listing the known names
   */
  public Job get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "No job named '%s'; known jobs: %s"
                        .formatted(name, String.join(", ", jobs.keySet()))));
  }

  public Optional<Job> find(String name) {
    return Optional.ofNullable(jobs.get(name));
  }

  /** The jobs in the order they were added. */
  public List<Job> all() {
    return List.copyOf(jobs.values());
  }

  public List<JobDefinition> definitions() {
    return jobs.values().stream().map(Job::definition).toList();
  }
}
