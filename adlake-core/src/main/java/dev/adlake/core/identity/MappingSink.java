package dev.adlake.core.identity;

import dev.adlake.core.ExternalFailureException;
import java.util.List;

/**
 * Where the mapper service sends mapping events: {@link #send} returns once every event of the call
 * is durably accepted (for Kafka: acknowledged by the broker), so an answer to a cookie-sync call
 * or a bulk upload is only given for events that will reach the identity graph.
 *
 * <p>The interface lives in core so that the HTTP server does not depend on Kafka: the server takes
 * a sink, the Kafka adapter implements it, the CLI wires the two.
 */
public interface MappingSink {
  /**
   * Sends the events, each once, and waits until all are accepted.
   *
   * @throws ExternalFailureException when an event cannot be sent or acknowledged; some events of
   *     the call may have been sent before it (the event ids let downstream drop the re-sent ones)
   */
  void send(List<MappingEvent> events);
}
