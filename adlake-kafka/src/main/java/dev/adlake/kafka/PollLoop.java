package dev.adlake.kafka;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The poll loop of a consumer that runs until it is done or asked to stop: {@link #stop()} is safe
 * from any thread (a shutdown hook) and wakes a consumer blocked in a poll.
 */
public final class PollLoop {
  private final KafkaConsumer<?, ?> consumer;
  private volatile boolean stopRequested;

  public PollLoop(KafkaConsumer<?, ?> consumer) {
    this.consumer = consumer;
  }

  /** Runs steps, each polling for at most the wait, until done or stopped. */
  public void run(BooleanSupplier done, Consumer<Duration> step, Duration wait) {
    try {
      while (!stopRequested && !done.getAsBoolean()) {
        step.accept(wait);
      }
    } catch (WakeupException stopped) {
      // stop() was called.
    }
  }

  public boolean stopRequested() {
    return stopRequested;
  }

  public void stop() {
    stopRequested = true;
    consumer.wakeup();
  }
}
