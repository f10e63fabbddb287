package dev.adlake.cli;

import dev.adlake.core.metadata.JdbcAudit;
import dev.adlake.spark.Platform;
import java.util.Map;

/**
 * The audit log's entries of the console's changes to platform data (jobs, pipelines and backfills
 * run by hand, erasures, maintenance, retried loads), by user@host, recorded before the change.
 */
final class ConsoleAudit {
  private ConsoleAudit() {}

  /** Parameters that name a person (erase-user's user id), masked in the audit log. */
  static final java.util.Set<String> PERSONAL =
      java.util.Set.of(dev.adlake.spark.maintenance.EraseJob.USER.name());

  /** The parameters with the personal ones' values masked. */
  static Map<String, String> masked(Map<String, String> parameters) {
    Map<String, String> masked = new java.util.LinkedHashMap<>(parameters);
    masked.replaceAll((name, value) -> PERSONAL.contains(name) ? "(masked)" : value);
    return masked;
  }

  static void record(Platform platform, String action, String target, Map<String, ?> details) {
    new JdbcAudit(platform.metadata().dataSource())
        .record(JdbcAudit.consoleUser(), action, target, details);
  }
}
