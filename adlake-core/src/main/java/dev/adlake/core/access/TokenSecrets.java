package dev.adlake.core.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes API tokens and their digests. A token is {@code adl_} and 256 random bits in URL-safe
 * Base64: with that much entropy a plain SHA-256 is enough at rest (no guessing can walk it back),
 * and the lookup is one indexed equality.
 */
public final class TokenSecrets {
  public static final String PREFIX = "adl_";

  /** How many of a token's characters are kept to tell tokens apart in listings. */
  public static final int SHOWN_CHARACTERS = PREFIX.length() + 6;

  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The hex SHA-256 of the token, as stored. */
  public static String digest(String token) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The first characters of a token, as listings show it. */
  public static String shown(String token) {
    return token.substring(0, Math.min(SHOWN_CHARACTERS, token.length()));
  }
}
