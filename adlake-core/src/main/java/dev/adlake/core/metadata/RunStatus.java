package dev.adlake.core.metadata;

import java.util.Locale;

/** How a run stands: running until it has succeeded or failed. */
public enum RunStatus {
  RUNNING,
  SUCCEEDED,
  FAILED;

  String sql() {
    return name().toLowerCase(Locale.ROOT);
  }

  static RunStatus fromSql(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
