package dev.adlake.spark.common;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.EnrichConfig;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces identifiers by keyed pseudonyms: HMAC-SHA256 of the identifier's UTF-8 bytes under a
 * secret key, its first 16 bytes (128 bits) as 32 lowercase hex digits. The same key and id always
 * give the same pseudonym; without the key a pseudonym cannot be computed or reversed.
 *
 * <p>Thread-safe: each thread uses its own {@link Mac}. Serializable, so Spark can ship it to
 * executors; the key travels with it, and the Macs are rebuilt after deserialization. Its {@link
 * #toString()} never shows the key.
 */
public final class Pseudonymizer implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private static final String ALGORITHM = "HmacSHA256";
  private static final int PSEUDONYM_BYTES = 16;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final byte[] key;
  private final transient ThreadLocal<Mac> macs;

  /**
   * A pseudonymizer with a key of at least {@value EnrichConfig#MINIMUM_KEY_BYTES} bytes.
   *
   * @throws InvalidInputException when the key is shorter, naming the configuration key but never
   *     the key itself
   */
  public Pseudonymizer(byte[] key) {
    requireNonNull(key, "key is null");
    if (key.length < EnrichConfig.MINIMUM_KEY_BYTES) {
      throw new InvalidInputException(
          "The pseudonym key (%s) must be at least %d bytes; the one given has %d"
              .formatted(
                  EnrichConfig.PSEUDONYM_KEY.name(), EnrichConfig.MINIMUM_KEY_BYTES, key.length));
    }
    this.key = key.clone();
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A pseudonymizer whose key is the UTF-8 bytes of the text. */
  public Pseudonymizer(String key) {
    this(requireNonNull(key, "key is null").getBytes(StandardCharsets.UTF_8));
  }

  /** The pseudonym of an id: 32 lowercase hex digits; null for a null id. */
  public String pseudonymize(String id) {
    if (id == null) {
      return null;
    }
    byte[] digest = macs.get().doFinal(id.getBytes(StandardCharsets.UTF_8));
    char[] hex = new char[PSEUDONYM_BYTES * 2];
    for (int i = 0; i < PSEUDONYM_BYTES; i++) {
      hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
      hex[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return new String(hex);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every Java runtime has " + ALGORITHM, e);
    }
  }

  /** A deserialized copy has no Macs: it is replaced by one built from its key. */
  @Serial
  private Object readResolve() {
    return new Pseudonymizer(key);
  }

  @Override
  public String toString() {
    return "Pseudonymizer[" + ALGORITHM + ", key " + EnrichConfig.PSEUDONYM_KEY.printable("") + "]";
  }
}
