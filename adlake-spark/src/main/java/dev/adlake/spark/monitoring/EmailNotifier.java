package dev.adlake.spark.monitoring;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.anomaly.AnomalyMonitor;
import dev.adlake.core.config.MonitoringConfig;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/** Mails each new data-anomaly alert, with what was expected and seen, to the configured list. */
public final class EmailNotifier implements Consumer<Anomaly> {
  private static final int TIMEOUT_MILLIS = 10_000;

  private final MonitoringConfig.Smtp smtp;
  private final List<String> to;
  private final Session session;

  public EmailNotifier(MonitoringConfig.Smtp smtp, List<String> to) {
    this.smtp = smtp;
    this.to = List.copyOf(to);
    Properties properties = new Properties();
    properties.put("mail.smtp.host", smtp.host());
    properties.put("mail.smtp.port", String.valueOf(smtp.port()));
    // With TLS on, a server that does not offer it is refused rather than sent the login in clear,
    // and its certificate must name it.
    properties.put("mail.smtp.starttls.enable", String.valueOf(smtp.startTls()));
    properties.put("mail.smtp.starttls.required", String.valueOf(smtp.startTls()));
    properties.put("mail.smtp.ssl.checkserveridentity", "true");
    properties.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT_MILLIS));
    properties.put("mail.smtp.timeout", String.valueOf(TIMEOUT_MILLIS));
    properties.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT_MILLIS));
    Authenticator login = null;
    if (smtp.user().isPresent()) {
      properties.put("mail.smtp.auth", "true");
      String user = smtp.user().get();
      String password = smtp.password().orElse("");
      login =
          new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
              return new PasswordAuthentication(user, password);
            }
          };
    }
    this.session = Session.getInstance(properties, login);
  }

  /** The subject line of an alert's mail. */
  static String subject(Anomaly anomaly) {
    return "[adlake] %s of %s %s"
        .formatted(anomaly.kind(), anomaly.series().metric(), anomaly.series().subject());
  }

  /** The text of an alert's mail. */
  static String text(Anomaly anomaly) {
    return """
        %s

        Series:     %s
        From:       %s
        To:         %s
        Expected:   %.1f per hour (the same hours of the week over the earlier weeks)
        Seen:       %.1f per hour
        Deviations: %.1f

        The alert stays in 'adlake runs --alerts' and on the dashboard's runs page while it lasts;
        'adlake monitor' shows the platform's health. This mail is sent once per anomaly.
        """
        .formatted(
            anomaly.describe(),
            anomaly.series(),
            anomaly.start(),
            anomaly.end(),
            anomaly.expected(),
            anomaly.seen(),
            anomaly.deviations());
  }

  @Override
  public void accept(Anomaly anomaly) {
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.from()));
      for (String address : to) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
      }
      message.setSubject(subject(anomaly), "UTF-8");
      message.setText(text(anomaly), "UTF-8");
      message.setSentDate(java.util.Date.from(Instant.now()));
      message.setHeader("X-Adlake-Alert", AnomalyMonitor.ALERT_KIND);
      Transport.send(message);
    } catch (MessagingException e) {
      throw new ExternalFailureException(
          "Cannot mail an alert through %s:%d to %s: %s"
              .formatted(smtp.host(), smtp.port(), String.join(", ", to), e.getMessage()),
          e);
    }
  }
}
