package dev.adlake.core.access;

import dev.adlake.core.SecretFiles;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.EnrichConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@code adlake doctor} checks of a deployment from its configuration and its home: access to
 * the server, TLS, the secrets' files, the metadata database's password, default secrets and the
 * ports open beyond this machine. Each finding says what to fix.
 */
public final class DeploymentChecks {
  /** How bad a finding is: {@link #FAIL} makes {@code adlake doctor} end 1. */
  public enum Level {
    OK,
    WARN,
    FAIL
  }

  /** One check's outcome, and what to do about it when it is not OK. */
  public record Finding(Level level, String check, String detail, Optional<String> fix) {
    static Finding ok(String check, String detail) {
      return new Finding(Level.OK, check, detail, Optional.empty());
    }

    static Finding warn(String check, String detail, String fix) {
      return new Finding(Level.WARN, check, detail, Optional.of(fix));
    }

    static Finding fail(String check, String detail, String fix) {
      return new Finding(Level.FAIL, check, detail, Optional.of(fix));
    }
  }

  /** Secrets seen in examples and default installations: never in production. */
  private static final Set<String> KNOWN_SECRETS =
      Set.of(
          "password",
          "secret",
          "changeme",
          "admin",
          "minioadmin",
          "postgres",
          "adlake",
          "test",
          "a-cluster-test-key-long-enough");

  private static final int SHORTEST_SECRET = 16;

  private DeploymentChecks() {}

  /** Every check of the deployment, in the order printed. */
  public static List<Finding> check(AdlakeConfig config) {
    List<Finding> findings = new ArrayList<>();
    boolean local = loopback(config.server().host());
    findings.add(access(config, local));
    findings.add(tls(config, local));
    findings.addAll(secretFiles(config.secretsDirectory()));
    findings.add(pseudonymRotation(config.secretsDirectory()));
    findings.add(metadataPassword(config));
    findings.addAll(defaultSecrets(config));
    findings.add(ports(config, local));
    return findings;
  }

  private static Finding access(AdlakeConfig config, boolean local) {
    if (config.server().auth()) {
      return Finding.ok("access", "the API and dashboard ask for tokens (server.auth)");
    }
    String detail = "server.auth is false: anyone who reaches the port reads and changes data";
    String fix = "set server.auth=true and make tokens with 'adlake tokens create NAME'";
    return local
        ? Finding.warn("access", detail + " (loopback only)", fix)
        : Finding.fail("access", detail + " on " + config.server().host(), fix);
  }

  private static Finding tls(AdlakeConfig config, boolean local) {
    if (config.server().tls()) {
      Path keystore = config.server().tlsKeystore().get();
      if (!Files.isReadable(keystore)) {
        return Finding.fail(
            "tls",
            "server.tls-keystore %s cannot be read".formatted(keystore),
            "point server.tls-keystore at the PKCS12 file of the server's certificate");
      }
      return Finding.ok(
          "tls", "the server speaks HTTPS only (certificate in %s)".formatted(keystore));
    }
    if (local) {
      return Finding.ok("tls", "the server listens on loopback only: nothing crosses a network");
    }
    return Finding.warn(
        "tls",
        "the server listens on %s without TLS: tokens and data cross the network in the clear"
            .formatted(config.server().host()),
        "set server.tls-keystore (a PKCS12 file of the certificate and key), put a"
            + " TLS-terminating proxy in front of it, or keep server.host=127.0.0.1");
  }

  private static List<Finding> secretFiles(Path secrets) {
    if (!Files.isDirectory(secrets)) {
      return List.of(Finding.ok("secret files", "no secrets folder yet (" + secrets + ")"));
    }
    List<Finding> findings = new ArrayList<>();
    try (Stream<Path> files = Files.list(secrets)) {
      for (Path file : files.sorted().toList()) {
        if (!SecretFiles.ownerOnly(file)) {
          findings.add(
              Finding.fail(
                  "secret files",
                  file + " can be read by users other than its owner",
                  "chmod 600 " + file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + secrets, e);
    }
    if (findings.isEmpty()) {
      findings.add(Finding.ok("secret files", "only their owner reads " + secrets));
    }
    return findings;
  }

  private static Finding pseudonymRotation(Path secrets) {
    Path pending = secrets.resolve(EnrichConfig.PENDING_ROTATION_FILE);
    if (Files.exists(pending)) {
      return Finding.fail(
          "pseudonym key",
          "a rotation of the pseudonym key is under way (%s): nothing is pseudonymised, the"
                  .formatted(pending)
              + " enricher does not start, until it ends",
          "finish it with 'adlake pseudonyms rotate' (it goes on where it stopped)");
    }
    long rotations =
        SecretFiles.read(secrets.resolve(EnrichConfig.ROTATIONS_FILE))
            .map(text -> text.lines().filter(line -> !line.isBlank()).count())
            .orElse(0L);
    return Finding.ok(
        "pseudonym key",
        rotations == 0
            ? "no rotation under way; never rotated"
            : "no rotation under way; rotated %d time(s)".formatted(rotations));
  }

  private static Finding metadataPassword(AdlakeConfig config) {
    if (!config.metadata().embedded()) {
      return config.metadata().password().isPresent()
          ? Finding.ok("metadata password", "metadata.password is set")
          : Finding.warn(
              "metadata password",
              "metadata.password is unset: your PostgreSQL must trust adlake's connections",
              "give adlake's PostgreSQL user a password (ADLAKE_METADATA_PASSWORD)");
    }
    Path hba = config.postgresDirectory().resolve("pg_hba.conf");
    try {
      if (Files.exists(hba) && Files.readString(hba).contains("trust")) {
        return Finding.warn(
            "metadata password",
            "the embedded PostgreSQL in %s still trusts local connections"
                .formatted(config.postgresDirectory()),
            "start any adlake command on this home: the next start switches it to passwords");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + hba, e);
    }
    return Finding.ok(
        "metadata password",
        "the embedded PostgreSQL asks every connection for the password in "
            + config.postgresPasswordFile());
  }

  private static List<Finding> defaultSecrets(AdlakeConfig config) {
    List<Finding> findings = new ArrayList<>();
    weak("metadata.password", config.metadata().password(), findings);
    weak("lake.s3.secret-access-key", config.lake().s3SecretAccessKey(), findings);
    weak("enrich.pseudonym-key", config.enrich().pseudonymKey(), findings);
    if (findings.isEmpty()) {
      findings.add(Finding.ok("default secrets", "no configured secret is a known or short one"));
    }
    return findings;
  }

  private static void weak(String key, Optional<String> value, List<Finding> findings) {
    if (value.isEmpty()) {
      return;
    }
    String secret = value.get();
    if (KNOWN_SECRETS.contains(secret.toLowerCase(Locale.ROOT))) {
      findings.add(
          Finding.fail(
              "default secrets",
              key + " is a default or example value",
              "set " + key + " to a long random value (openssl rand -hex 32)"));
    } else if (secret.length() < SHORTEST_SECRET) {
      findings.add(
          Finding.warn(
              "default secrets",
              "%s has %d characters".formatted(key, secret.length()),
              "use at least " + SHORTEST_SECRET + " random characters"));
    }
  }

  private static Finding ports(AdlakeConfig config, boolean local) {
    if (local) {
      return Finding.ok(
          "open ports",
          "the server (%s:%d), the embedded PostgreSQL and Kafka listen on loopback only"
              .formatted(config.server().host(), config.server().port()));
    }
    return Finding.warn(
        "open ports",
        "the server listens on %s:%d, reachable from other machines"
            .formatted(config.server().host(), config.server().port()),
        "allow only your proxy or network to reach port " + config.server().port());
  }

  private static boolean loopback(String host) {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }
}
