package dev.adlake.core.job;

import dev.adlake.core.NotFoundException;

/**
 * The services a process offers its jobs, by type: a Spark session, the metadata store, Kafka's
 * bootstrap servers. A service may start on first request; a process without it says so.
 */
@FunctionalInterface
public interface Services {
  /**
   * The service of that type.
   *
   * @throws NotFoundException when this process does not offer it
   */
  <T> T get(Class<T> type);

  /** No services: for jobs that need none. */
  static Services none() {
    return new Services() {
      @Override
      public <T> T get(Class<T> type) {
        throw new NotFoundException("No service of type %s here".formatted(type.getSimpleName()));
      }
    };
  }
}
