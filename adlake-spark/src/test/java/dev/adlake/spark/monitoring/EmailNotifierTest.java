package dev.adlake.spark.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.LoopbackPorts;
import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.config.MonitoringConfig;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alert mails through GreenMail, a real SMTP server in the test JVM that asks for a login: the mail
 * reaches every address with what was expected and seen, even when the webhook beside it is down
 * (whose failure is raised after), and a wrong password is an error naming the server.
 */
class EmailNotifierTest {
  private static final Anomaly SPIKE = WebhookNotifierTest.SPIKE;

  private GreenMail smtp;
  private int port;

  @BeforeEach
  void start() {
    port = LoopbackPorts.free();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.getUserManager().setAuthRequired(true);
    smtp.setUser("adlake@example.com", "alerts", "a-mail-password");
    smtp.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
  }

  private MonitoringConfig config(String password, Optional<URI> webhook) {
    return config(password, webhook, false);
  }

  /** GreenMail's SMTP offers no STARTTLS: a plain relay on this host, TLS off. */
  private MonitoringConfig config(String password, Optional<URI> webhook, boolean tls) {
    return new MonitoringConfig(
        webhook,
        List.of("oncall@example.com", "ads-team@example.com"),
        new MonitoringConfig.Smtp(
            "127.0.0.1",
            port,
            "adlake@example.com",
            Optional.of("alerts"),
            Optional.of(password),
            tls));
  }

  @Test
  void theAlertIsMailedEvenWhenTheWebhookIsDown() throws Exception {
    // Nothing listens on the webhook's port: it fails, and the mail goes out all the same.
    URI downHook = URI.create("http://127.0.0.1:" + LoopbackPorts.free() + "/hook");
    AnomalyJob.Notifiers notifiers =
        new AnomalyJob.Notifiers(
            AlertNotifiers.of(config("a-mail-password", Optional.of(downHook))));
    notifiers.accept(SPIKE);
    assertThatThrownBy(notifiers::raiseFailures)
        .isInstanceOf(ExternalFailureException.class)
        .hasMessageContaining(downHook.toString());
    assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(2);
    assertThat(received[0].getSubject()).isEqualTo("[adlake] spike of clicks campaign 7");
    assertThat(received[0].getHeader("X-Adlake-Alert")).isNotEmpty();
    String body = GreenMailUtil.getBody(received[0]);
    assertThat(body)
        .contains(SPIKE.describe())
        .contains("Expected:   4.0 per hour")
        .contains("Seen:       21.0 per hour")
        .contains("2026-11-02T03:00:00Z");
  }

  @Test
  void aServerWithoutTlsIsRefusedWhenTlsIsRequired() {
    assertThatThrownBy(
            () ->
                new EmailNotifier(
                        config("a-mail-password", Optional.empty(), true).smtp(),
                        List.of("a@example.com"))
                    .send(SPIKE.notice()))
        .isInstanceOf(ExternalFailureException.class)
        .hasMessageContaining("STARTTLS");
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void aRefusedLoginIsAnErrorNamingTheServer() {
    assertThatThrownBy(
            () ->
                new EmailNotifier(
                        config("wrong", Optional.empty()).smtp(), List.of("a@example.com"))
                    .send(SPIKE.notice()))
        .isInstanceOf(ExternalFailureException.class)
        .hasMessageContaining("127.0.0.1:" + port);
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }
}
