package dev.adlake.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A declared configuration key: its name, type and rule, default and a one-line description.
 *
 * <p>The default is text, parsed like any other value; {@code ${home}} in it stands for the adlake
 * home folder. A key with no default is optional and unset unless given.
 *
 * @param name lowercase, {@code .} for hierarchy and {@code -} inside one concept
 */
public record ConfigKey<T>(String name, ValueType<T> type, String defaultText, String description) {
  public ConfigKey {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(description, "description is null");
    if (!name.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*")) {
      throw new IllegalArgumentException("Invalid configuration key name: " + name);
    }
  }

  public static <T> ConfigKey<T> of(
      String name, ValueType<T> type, String defaultText, String description) {
    return new ConfigKey<>(name, type, defaultText, description);
  }

  /** The text that stands for a secret value wherever configuration is printed. */
  public static final String MASK = "******";

  /** Whether the value of this key is a secret, shown as {@value #MASK} wherever printed. */
  public boolean secret() {
    return type.isSecret();
  }

  /** The text of a value as it may be printed: {@value #MASK} for a secret, else the text. */
  public String printable(String text) {
    return secret() && text != null ? MASK : text;
  }

  /** The environment variable that overrides this key: ADLAKE_ then the name in upper case. */
  public String environmentVariable() {
    return environmentVariableOf(name);
  }

  static String environmentVariableOf(String keyName) {
    return "ADLAKE_" + keyName.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
