package dev.adlake.core.feed;

import java.time.Duration;
import java.util.List;

/**
 * Object-created notifications from a queue or topic. Delivery is at least once: a notification is
 * acknowledged only after its object is recorded, and a duplicate does no harm, since the ledger
 * records an object once.
 */
public interface NotificationSource extends AutoCloseable {
  /** A message as received: its notifications, or why it could not be read. */
  record Message(List<ObjectCreated> objects, String unreadable) {}

  /** The messages that arrive within the wait, possibly none. */
  List<Message> poll(Duration wait);

  /**
   * Acknowledges every readable message polled so far. Unreadable ones are left to the source: a
   * queue redelivers them and, after its limit, moves them to its dead-letter queue.
   */
  void acknowledge();

  @Override
  void close();
}
