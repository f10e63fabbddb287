package dev.adlake.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The validated values of every declared key, with where each came from. */
public final class ConfigValues {
  /** A value in force: typed, as text, its source and, for a file, the line it is on. */
  public record Resolved(Object value, String text, ConfigSource source, String origin) {}

  private final Map<String, Resolved> values;
  private final SortedMap<String, Resolved> sparkConf;

  ConfigValues(Map<String, Resolved> values, SortedMap<String, Resolved> sparkConf) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.sparkConf = Collections.unmodifiableSortedMap(new TreeMap<>(sparkConf));
  }

  /** The value of a key with a default, or a key that was given. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Resolved resolved = values.get(key.name());
    requireNonNull(resolved, () -> "Configuration key " + key.name() + " has no value");
    return (T) resolved.value();
  }

  /** The value of an optional key, empty when no default applies and none was given. */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(ConfigKey<T> key) {
    return Optional.ofNullable(values.get(key.name())).map(resolved -> (T) resolved.value());
  }

  /** Every key in force, in declaration order, for display. */
  public Map<String, Resolved> all() {
    return values;
  }

  /** Free-form Spark properties given under {@code spark.conf.}, without the prefix. */
  public SortedMap<String, Resolved> sparkConf() {
    return sparkConf;
  }
}
