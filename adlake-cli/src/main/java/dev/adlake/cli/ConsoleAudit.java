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

  static void record(Platform platform, String action, String target, Map<String, ?> details) {
    new JdbcAudit(platform.metadata().dataSource())
        .record(JdbcAudit.consoleUser(), action, target, details);
  }
}
