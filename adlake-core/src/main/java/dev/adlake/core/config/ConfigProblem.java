package dev.adlake.core.config;

/**
 * One thing wrong with the configuration, naming the key, the value given, where it came from and
 * the rule it breaks.
 */
public record ConfigProblem(String key, String value, String origin, String rule) {
  @Override
  public String toString() {
    String shown = value == null ? "" : " = '" + value + "'";
    String from = origin == null ? "" : " (" + origin + ")";
    return key + shown + from + ": " + rule;
  }
}
