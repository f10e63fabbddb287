package dev.adlake.spark.common;

import dev.adlake.core.ConflictException;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.SecretFiles;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.EnrichConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The key of the platform's pseudonyms ({@link Pseudonymizer}): configured, or made at random for a
 * home without one, followed by the key of each rotation since ({@code
 * <home>/secrets/enrich-pseudonym-rotations}, a key per line, oldest first). Shared by the domains
 * that pseudonymise ids, so that the same id gets the same pseudonym everywhere.
 *
 * <p>A rotation under way keeps its new key in {@code enrich-pseudonym-rotation-pending} until
 * every table is rewritten; meanwhile nothing may pseudonymise ({@link #pseudonymizer} refuses), so
 * no row is written under the old ring into a table already rewritten.
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

  /** The pseudonymizer of the whole key ring: the key, then every completed rotation's. */
  public static Pseudonymizer pseudonymizer(AdlakeConfig config) {
    Optional<String> pending = SecretFiles.read(pendingRotationFile(config));
    if (pending.isPresent()) {
      throw new ConflictException(
          ("A rotation of the pseudonym key is under way (%s): nothing may be pseudonymised until"
                  + " it ends; finish it with adlake pseudonyms rotate")
              .formatted(pendingRotationFile(config)));
    }
    return Pseudonymizer.ring(ring(config));
  }

  /** The key ring: the pseudonym key, then the key of each completed rotation, oldest first. */
  public static List<String> ring(AdlakeConfig config) {
    List<String> keys = new ArrayList<>();
    keys.add(of(config));
    SecretFiles.read(rotationsFile(config))
        .ifPresent(
            text ->
                Arrays.stream(text.split("\\R"))
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .forEach(keys::add));
    return keys;
  }

  /** The keys of the completed rotations, a line each, oldest first. */
  public static Path rotationsFile(AdlakeConfig config) {
    return config.secretsDirectory().resolve(EnrichConfig.ROTATIONS_FILE);
  }

  /** The new key of a rotation under way, until every table is rewritten with it. */
  public static Path pendingRotationFile(AdlakeConfig config) {
    return config.secretsDirectory().resolve(EnrichConfig.PENDING_ROTATION_FILE);
  }

  /** The pending rotation's key, made now (random, 256 bits) when no rotation is under way. */
  public static String beginRotation(AdlakeConfig config) {
    return SecretFiles.createIfMissing(pendingRotationFile(config), 32);
  }

  /**
   * Ends the rotation under way: its key joins the ring, then the pending file goes. Ended twice (a
   * crash between the two steps) it adds the key once.
   */
  public static void completeRotation(AdlakeConfig config, String key) {
    List<String> ring = ring(config);
    if (!ring.get(ring.size() - 1).equals(key)) {
      List<String> rotations = new ArrayList<>(ring.subList(1, ring.size()));
      rotations.add(key);
      SecretFiles.replace(rotationsFile(config), String.join("\n", rotations) + "\n");
    }
    try {
      Files.deleteIfExists(pendingRotationFile(config));
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot remove " + pendingRotationFile(config) + ": " + e, e);
    }
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
