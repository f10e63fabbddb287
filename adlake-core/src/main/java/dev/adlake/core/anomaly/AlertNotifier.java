package dev.adlake.core.anomaly;

/**
 * Sends a new alert out: to a webhook, by mail, to every one configured. An alert is sent once,
 * when it is raised, not again while it lasts.
 */
@FunctionalInterface
public interface AlertNotifier {
  /** Sends nothing: no webhook nor mail configured. */
  AlertNotifier NONE = notice -> {};

  /**
   * Sends the alert.
   *
   * @throws dev.adlake.core.ExternalFailureException when a receiver could not be reached or
   *     refused it
   */
  void send(AlertNotice notice);
}
