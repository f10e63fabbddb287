package dev.adlake.spark.common;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The key of the platform's pseudonyms ({@link Pseudonymizer}): configured, or made at random for a
 * home without one. Shared by the domains that pseudonymise ids, so that the same id gets the same
 * pseudonym everywhere.
 */
public final class PseudonymKey {
  private PseudonymKey() {}

  /**
   * The pseudonym key: {@code enrich.pseudonym-key} (file or environment), else the key the
   * quickstart generated in this home; neither is an error that says how to set one.
   */
  public static String of(AdlakeConfig config) {
    if (config.enrich().pseudonymKey().isPresent()) {
      return config.enrich().pseudonymKey().get();
    }
    Path generated = generatedFile(config);
    if (Files.isRegularFile(generated)) {
      try {
        return Files.readString(generated, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ExternalFailureException("Cannot read the pseudonym key " + generated, e);
      }
    }
    return config.enrich().requirePseudonymKey();
  }

  /** Where the quickstart keeps the random pseudonym key it makes for a home without one. */
  public static Path generatedFile(AdlakeConfig config) {
    return config.home().resolve("secrets").resolve("enrich-pseudonym-key");
  }

  /**
   * Makes a random 256-bit pseudonym key readable by the owner only, unless a key is configured or
   * was made before.
   *
   * @return whether a key was made now
   */
  public static boolean generateIfMissing(AdlakeConfig config) {
    Path file = generatedFile(config);
    if (config.enrich().pseudonymKey().isPresent() || Files.exists(file)) {
      return false;
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, HexFormat.of().formatHex(key), StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the home folder's permissions apply.
      }
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot write the pseudonym key " + file, e);
    }
    return true;
  }
}
