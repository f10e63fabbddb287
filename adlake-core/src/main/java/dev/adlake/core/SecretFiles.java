package dev.adlake.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Secrets adlake makes for itself (the embedded PostgreSQL's password, the pseudonym key), kept in
 * files under the home's {@code secrets/} folder that only their owner can read.
 */
public final class SecretFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER =
      PosixFilePermissions.fromString("rwx------");

  private SecretFiles() {}

  /** The secret in that file, stripped of surrounding whitespace; empty when there is no file. */
  public static Optional<String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot read the secret " + file + ": " + e, e);
    }
  }

  /**
   * Writes a new random secret of that many bytes, hex-encoded, readable by the owner only (and its
   * folder too), unless the file exists.
   *
   * @return the secret in the file
   */
  public static String createIfMissing(Path file, int bytes) {
    Optional<String> existing = read(file);
    if (existing.isPresent()) {
      return existing.get();
    }
    byte[] secret = new byte[bytes];
    new SecureRandom().nextBytes(secret);
    String value = HexFormat.of().formatHex(secret);
    try {
      Files.createDirectories(file.getParent());
      restrict(file.getParent(), OWNER_ONLY_FOLDER);
      // Written whole to a temporary file, restricted before the secret goes in, then moved into
      // place: no one reads it half written, and of two processes making it at once one wins.
      Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".new");
      try {
        restrict(temporary, OWNER_ONLY_FILE);
        Files.writeString(temporary, value, StandardCharsets.UTF_8);
        // A hard link is made whole or not at all, and never over an existing file (a rename
        // would replace the secret another process just made).
        Files.createLink(file, temporary);
      } catch (java.nio.file.FileAlreadyExistsException madeMeanwhile) {
        return read(file).orElseThrow();
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot write the secret " + file + ": " + e, e);
    }
    return value;
  }

  /**
   * Replaces the secret in that file (or writes it), readable by the owner only: written whole to a
   * restricted temporary file, then moved over the old one in one step, so a reader sees the old
   * secret or the new one, never part of either.
   */
  public static void replace(Path file, String value) {
    try {
      Files.createDirectories(file.getParent());
      restrict(file.getParent(), OWNER_ONLY_FOLDER);
      Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".new");
      try {
        restrict(temporary, OWNER_ONLY_FILE);
        Files.writeString(temporary, value, StandardCharsets.UTF_8);
        Files.move(
            temporary,
            file,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot write the secret " + file + ": " + e, e);
    }
  }

  /** Whether only the owner can read and write the file (always true where POSIX modes are not). */
  public static boolean ownerOnly(Path file) {
    try {
      return OWNER_ONLY_FILE.containsAll(Files.getPosixFilePermissions(file));
    } catch (UnsupportedOperationException notPosix) {
      return true;
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot read the permissions of " + file + ": " + e, e);
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the home folder's own permissions apply.
    }
  }
}
