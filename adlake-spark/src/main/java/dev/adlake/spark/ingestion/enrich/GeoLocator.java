package dev.adlake.spark.ingestion.enrich;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Finds where an IP address is. Implementations are thread-safe, so one per JVM serves every task;
 * open one with {@link GeoLocators#open} and close it when done.
 */
public interface GeoLocator extends AutoCloseable {
  /** The place of the address, or empty when the source has none for it. */
  Optional<Geo> locate(InetAddress address);

  /** Releases the source (a memory-mapped file for MaxMind); no exception on a clean close. */
  @Override
  void close();
}
