package dev.adlake.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping processes adlake started, with whatever they started in turn. */
public final class ChildProcesses {
  private ChildProcesses() {}

  /**
   * Asks a process and its descendants to end (SIGTERM), waits up to the grace period, then kills
   * what is left.
   */
  public static void stop(Process process, Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
  }
}
