package dev.adlake.core.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the data's anomaly alerts go besides the alerts table: a webhook and e-mail.
 *
 * @param alertWebhook a URL each new alert is posted to as JSON
 * @param alertEmail the addresses each new alert is mailed to; empty: no mail
 * @param smtp the mail server, when alerts are mailed
 */
public record MonitoringConfig(Optional<URI> alertWebhook, List<String> alertEmail, Smtp smtp) {
  /**
   * A mail server.
   *
   * @param host its address
   * @param port its port (587 submission, 25 relay)
   * @param from the sender address of the alerts
   * @param user the login, if it asks for one
   * @param password the login's password
   * @param startTls whether TLS (STARTTLS) is required
   */
  public record Smtp(
      String host,
      int port,
      String from,
      Optional<String> user,
      Optional<String> password,
      boolean startTls) {}

  public static final ConfigKey<URI> ALERT_WEBHOOK =
      ConfigKey.of(
          "monitoring.alert-webhook",
          ValueType.uri("http", "https"),
          null,
          "URL each new alert (data anomalies, stream checks) is posted to as JSON (a chat or paging hook); unset:"
              + " alerts go to the alerts table only");
  public static final ConfigKey<String> ALERT_EMAIL =
      ConfigKey.of(
          "monitoring.alert-email",
          ValueType.matching(
              Pattern.compile("[^,@\\s]+@[^,@\\s]+(\\s*,\\s*[^,@\\s]+@[^,@\\s]+)*"),
              "e-mail addresses separated by commas"),
          null,
          "Addresses each new alert (data anomalies, stream checks) is mailed to (needs monitoring.smtp-host)");
  public static final ConfigKey<String> SMTP_HOST =
      ConfigKey.of(
          "monitoring.smtp-host", ValueType.string(), null, "Mail server that sends the alerts");
  public static final ConfigKey<Integer> SMTP_PORT =
      ConfigKey.of(
          "monitoring.smtp-port",
          ValueType.integer(1, 65535),
          "587",
          "Port of the mail server (587 submission with STARTTLS, 25 relay)");
  public static final ConfigKey<String> SMTP_FROM =
      ConfigKey.of(
          "monitoring.smtp-from",
          ValueType.matching(Pattern.compile("[^@\\s]+@[^@\\s]+"), "an e-mail address"),
          "adlake@localhost",
          "Sender address of the alert mails");
  public static final ConfigKey<String> SMTP_USER =
      ConfigKey.of(
          "monitoring.smtp-user",
          ValueType.string(),
          null,
          "Login at the mail server, if it asks for one");
  public static final ConfigKey<String> SMTP_PASSWORD =
      ConfigKey.of(
          "monitoring.smtp-password",
          ValueType.secret(),
          null,
          "Password of monitoring.smtp-user (prefer the env var; shown masked)");
  public static final ConfigKey<Boolean> SMTP_STARTTLS =
      ConfigKey.of(
          "monitoring.smtp-starttls",
          ValueType.bool(),
          "true",
          "Require TLS with the mail server (STARTTLS, its certificate checked); false only for"
              + " a relay on this host");

  public static final ConfigKey<List<String>> STREAM_CHECK_TOPICS =
      ConfigKey.of(
          "monitoring.stream-check-topics",
          ValueType.topicNames(),
          "ingested-tracker,ingested-bids,ingested-mapping",
          "Topics the stream-checks job watches minute by minute (JSON, or the bid stream's Avro):"
              + " drops, malformed records, schema drift, nulls");

  static List<ConfigKey<?>> keys() {
    return List.of(
        STREAM_CHECK_TOPICS,
        ALERT_WEBHOOK,
        ALERT_EMAIL,
        SMTP_HOST,
        SMTP_PORT,
        SMTP_FROM,
        SMTP_USER,
        SMTP_PASSWORD,
        SMTP_STARTTLS);
  }

  /**
   * @throws InvalidConfigurationException when alerts are to be mailed and no mail server is named
   */
  public static MonitoringConfig of(AdlakeConfig config) {
    ConfigValues values = config.values();
    List<String> addresses =
        values.find(ALERT_EMAIL).stream()
            .flatMap(list -> java.util.Arrays.stream(list.split(",")))
            .map(String::strip)
            .toList();
    if (!addresses.isEmpty() && values.find(SMTP_HOST).isEmpty()) {
      throw new dev.adlake.core.InvalidInputException(
          "%s is set and %s is not: name the mail server that sends the alerts"
              .formatted(ALERT_EMAIL.name(), SMTP_HOST.name()));
    }
    return new MonitoringConfig(
        values.find(ALERT_WEBHOOK),
        addresses,
        new Smtp(
            values.find(SMTP_HOST).orElse("localhost"),
            values.get(SMTP_PORT),
            values.get(SMTP_FROM),
            values.find(SMTP_USER),
            values.find(SMTP_PASSWORD),
            values.get(SMTP_STARTTLS)));
  }
}
