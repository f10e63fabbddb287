package dev.adlake.spark.monitoring;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.anomaly.AlertNotice;
import dev.adlake.core.anomaly.AlertNotifier;
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

/** Mails each new alert, with what was expected and seen, to the configured list. */
public final class EmailNotifier implements AlertNotifier {
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
  static String subject(AlertNotice notice) {
    return "[adlake] " + notice.headline();
  }

  @Override
  public void send(AlertNotice notice) {
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.from()));
      for (String address : to) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
      }
      message.setSubject(subject(notice), "UTF-8");
      message.setText(notice.text(), "UTF-8");
      message.setSentDate(java.util.Date.from(Instant.now()));
      message.setHeader("X-Adlake-Alert", notice.kind());
      Transport.send(message);
    } catch (MessagingException e) {
      throw new ExternalFailureException(
          "Cannot mail an alert through %s:%d to %s: %s"
              .formatted(smtp.host(), smtp.port(), String.join(", ", to), e.getMessage()),
          e);
    }
  }
}
