package dev.adlake.spark.ingestion.enrich;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A concurrent memo of a pure function with a size bound, for values that repeat a lot (user
 * agents, hosts): a hit is one lock-free map read; when the map holds {@code capacity} entries it
 * is emptied and refills with what is in use, which is cheaper than tracking recency per hit.
 */
final class BoundedCache<K, V> {
  private final int capacity;
  private final Function<K, V> compute;
  private final ConcurrentHashMap<K, V> entries;

  BoundedCache(int capacity, Function<K, V> compute) {
    this.capacity = capacity;
    this.compute = compute;
    this.entries = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
  }

  /** The value for the key, computed on a miss; the function must not return null. */
  V get(K key) {
    V value = entries.get(key);
    if (value != null) {
      return value;
    }
    value = compute.apply(key);
    if (entries.size() >= capacity) {
      entries.clear();
    }
    entries.put(key, value);
    return value;
  }
}
