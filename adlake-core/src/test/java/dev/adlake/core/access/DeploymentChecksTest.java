package dev.adlake.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.SecretFiles;
import dev.adlake.core.access.DeploymentChecks.Finding;
import dev.adlake.core.access.DeploymentChecks.Level;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adlake doctor}'s checks, each failing or passing on a deployment made for it. */
class DeploymentChecksTest {
  @TempDir Path directory;

  private AdlakeConfig load(Map<String, String> overrides) {
    return ConfigLoader.load(
        new ConfigLoader.Request(
            Optional.of(directory.resolve("home")),
            Optional.empty(),
            Map.of(),
            overrides,
            directory));
  }

  @Test
  void theDefaultDeploymentPassesEveryCheck() {
    AdlakeConfig config = load(Map.of());
    SecretFiles.createIfMissing(config.postgresPasswordFile(), 24);
    List<Finding> findings = DeploymentChecks.check(config);
    assertThat(findings).extracting(Finding::level).containsOnly(Level.OK);
    assertThat(findings)
        .extracting(Finding::check)
        .contains(
            "access",
            "tls",
            "secret files",
            "pseudonym key",
            "metadata password",
            "default secrets",
            "open ports");
  }

  @Test
  void aRotationOfThePseudonymKeyLeftUnderWayFails() {
    AdlakeConfig config = load(Map.of());
    SecretFiles.createIfMissing(
        config.secretsDirectory().resolve("enrich-pseudonym-rotations"), 32);
    assertThat(DeploymentChecks.check(config))
        .filteredOn(finding -> finding.check().equals("pseudonym key"))
        .singleElement()
        .satisfies(finding -> assertThat(finding.detail()).endsWith("rotated 1 time(s)"));
    SecretFiles.createIfMissing(
        config.secretsDirectory().resolve("enrich-pseudonym-rotation-pending"), 32);
    assertThat(DeploymentChecks.check(config))
        .filteredOn(finding -> finding.check().equals("pseudonym key"))
        .singleElement()
        .satisfies(
            finding -> {
              assertThat(finding.level()).isEqualTo(Level.FAIL);
              assertThat(finding.fix().orElseThrow()).contains("adlake pseudonyms rotate");
            });
  }

  @Test
  void anOpenServerOnEveryInterfaceWithWeakSecretsAndAReadableKeyFails() throws Exception {
    AdlakeConfig config =
        load(
            Map.of(
                "server.host", "0.0.0.0",
                "server.auth", "false",
                "metadata.jdbc-url", "jdbc:postgresql://db:5432/adlake",
                "metadata.password", "changeme",
                "enrich.pseudonym-key", "a-cluster-test-key-long-enough"));
    Path key = config.secretsDirectory().resolve("enrich-pseudonym-key");
    SecretFiles.createIfMissing(key, 32);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    List<Finding> findings = DeploymentChecks.check(config);
    assertThat(findings)
        .filteredOn(finding -> finding.level() == Level.FAIL)
        .extracting(Finding::check, Finding::detail)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "access",
                "server.auth is false: anyone who reaches the port reads and changes data on"
                    + " 0.0.0.0"),
            org.assertj.core.groups.Tuple.tuple(
                "secret files", key + " can be read by users other than its owner"),
            org.assertj.core.groups.Tuple.tuple(
                "default secrets", "metadata.password is a default or example value"),
            org.assertj.core.groups.Tuple.tuple(
                "default secrets", "enrich.pseudonym-key is a default or example value"));
    assertThat(findings)
        .filteredOn(finding -> finding.level() == Level.WARN)
        .extracting(Finding::check)
        .containsExactlyInAnyOrder("tls", "open ports");
    assertThat(findings)
        .filteredOn(finding -> finding.check().equals("secret files"))
        .extracting(finding -> finding.fix().orElseThrow())
        .containsExactly("chmod 600 " + key);
  }

  @Test
  void anEmbeddedPostgresThatStillTrustsConnectionsIsAWarning() throws Exception {
    AdlakeConfig config = load(Map.of());
    Files.createDirectories(config.postgresDirectory());
    Files.writeString(
        config.postgresDirectory().resolve("pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
    assertThat(DeploymentChecks.check(config))
        .filteredOn(finding -> finding.check().equals("metadata password"))
        .singleElement()
        .satisfies(finding -> assertThat(finding.level()).isEqualTo(Level.WARN));
  }
}
