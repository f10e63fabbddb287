package dev.adlake.spark.common;

import dev.adlake.core.SecretFiles;
import dev.adlake.core.config.AdlakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;

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
    return SecretFiles.read(generatedFile(config))
        .orElseGet(() -> config.enrich().requirePseudonymKey());
  }

  /** Where the quickstart keeps the random pseudonym key it makes for a home without one. */
  public static Path generatedFile(AdlakeConfig config) {
    return config.secretsDirectory().resolve("enrich-pseudonym-key");
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
    SecretFiles.createIfMissing(file, 32);
    return true;
  }
}
