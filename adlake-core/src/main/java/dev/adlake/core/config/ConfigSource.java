package dev.adlake.core.config;

/** Where a configuration value came from, in increasing precedence. */
public enum ConfigSource {
  DEFAULT,
  FILE,
  ENVIRONMENT,
  COMMAND_LINE
}
