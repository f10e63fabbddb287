package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.ServerConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.tls-keystore}: the server speaks HTTPS with the keystore's certificate, a client
 * that trusts it is served, a plain HTTP request to the port is not, and an unreadable keystore
 * stops the start with its name.
 */
class ServerTlsIT {
  private static final String PASSWORD = "a-keystore-password";

  @TempDir Path temp;

  /** A self-signed certificate for 127.0.0.1, made with the JDK's keytool. */
  private Path keystore() throws Exception {
    Path file = temp.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "adlake",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();
    return file;
  }

  @Test
  void theServerSpeaksHttpsWithTheConfiguredCertificate() throws Exception {
    Path keystore = keystore();
    ServerConfig config =
        new ServerConfig(
            "127.0.0.1", 0, 366, 1000, false, Optional.of(keystore), Optional.of(PASSWORD));
    try (AdlakeServer server = AdlakeServer.start(config, TestDatabase.get().store.dataSource())) {
      assertThat(server.url()).startsWith("https://127.0.0.1:");
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        trusted.load(in, PASSWORD.toCharArray());
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("jvm_memory_used_bytes");
      assertThat(answer.sslSession()).isPresent();

      // Plain HTTP to the same port gets no answer of the API.
      String plain = server.url().replace("https://", "http://");
      int plainStatus;
      try {
        plainStatus =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(plain + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode();
      } catch (java.io.IOException refused) {
        plainStatus = -1;
      }
      assertThat(plainStatus).isNotEqualTo(200);
      // A client that does not trust the certificate is refused the handshake.
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
                          HttpResponse.BodyHandlers.ofString()))
          .hasStackTraceContaining("PKIX");
    }
  }

  @Test
  void anUnreadableKeystoreStopsTheStartNamingIt() {
    Path missing = temp.resolve("missing.p12");
    ServerConfig config =
        new ServerConfig(
            "127.0.0.1", 0, 366, 1000, false, Optional.of(missing), Optional.of(PASSWORD));
    assertThatThrownBy(() -> AdlakeServer.start(config, TestDatabase.get().store.dataSource()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(missing.toString());
  }
}
