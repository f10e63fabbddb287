package dev.adlake.core.job;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops a job that runs until stopped when the process is asked to end (Ctrl-C, SIGTERM), and holds
 * the end of the process until the job has wound down, 30 seconds at most, so its last files are
 * closed and its summary recorded.
 */
public final class StopOnSignal implements AutoCloseable {
  private final Thread hook;
  private final CountDownLatch finished = new CountDownLatch(1);

  private StopOnSignal(String name, Runnable stop) {
    this.hook =
        new Thread(
            () -> {
              stop.run();
              try {
                finished.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name + "-stop");
  }

  /** Calls {@code stop} when the process is asked to end, until closed. */
  public static StopOnSignal install(String name, Runnable stop) {
    StopOnSignal signal = new StopOnSignal(name, stop);
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
  }

  /** The job has wound down: the process may end, and the hook is no longer needed. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running already.
    }
  }
}
