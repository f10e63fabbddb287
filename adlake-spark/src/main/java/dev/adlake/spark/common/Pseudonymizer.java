package dev.adlake.spark.common;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.EnrichConfig;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces identifiers by keyed pseudonyms: HMAC-SHA256 of the identifier's UTF-8 bytes under a
 * secret key, its first 16 bytes (128 bits) as 32 lowercase hex digits. The same key and id always
 * give the same pseudonym; without the key a pseudonym cannot be computed or reversed.
 *
 * <p>A key ring of several keys (the first key, then each rotation's, {@link PseudonymKey#ring})
 * applies them in turn, each to the pseudonym the one before made: {@code p1 = HMAC(k1, id)},
 * {@code p2 = HMAC(k2, p1)}. So a rotation turns every stored pseudonym into the new one without
 * the ids (one more HMAC), joins across the rotation hold, and an old key alone links nothing any
 * more.
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

  private final byte[][] keys;
  private final transient ThreadLocal<Mac[]> macs;

  /**
   * A pseudonymizer with a key of at least {@value EnrichConfig#MINIMUM_KEY_BYTES} bytes.
   *
   * @throws InvalidInputException when the key is shorter, naming the configuration key but never
   *     the key itself
   */
  public Pseudonymizer(byte[] key) {
    this(new byte[][] {requireNonNull(key, "key is null")});
  }

  private Pseudonymizer(byte[][] keys) {
    if (keys.length == 0) {
      throw new IllegalArgumentException("A pseudonymizer needs a key");
    }
    this.keys = new byte[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].length < EnrichConfig.MINIMUM_KEY_BYTES) {
        throw new InvalidInputException(
            "The pseudonym key (%s%s) must be at least %d bytes; the one given has %d"
                .formatted(
                    EnrichConfig.PSEUDONYM_KEY.name(),
                    i == 0 ? "" : ", rotation " + i,
                    EnrichConfig.MINIMUM_KEY_BYTES,
                    keys[i].length));
      }
      this.keys[i] = keys[i].clone();
    }
    this.macs = ThreadLocal.withInitial(this::newMacs);
  }

  /** A pseudonymizer whose key is the UTF-8 bytes of the text. */
  public Pseudonymizer(String key) {
    this(requireNonNull(key, "key is null").getBytes(StandardCharsets.UTF_8));
  }

  /** A pseudonymizer of a key ring: the first key, then each rotation's, oldest first. */
  public static Pseudonymizer ring(List<String> keys) {
    return new Pseudonymizer(
        keys.stream().map(key -> key.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
  }

  /** How many keys it applies: 1, plus one per rotation of the key. */
  public int generation() {
    return keys.length;
  }

  /** The pseudonym of an id: 32 lowercase hex digits; null for a null id. */
  public String pseudonymize(String id) {
    if (id == null) {
      return null;
    }
    String value = id;
    for (Mac mac : macs.get()) {
      byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      char[] hex = new char[PSEUDONYM_BYTES * 2];
      for (int i = 0; i < PSEUDONYM_BYTES; i++) {
        hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
        hex[2 * i + 1] = HEX[digest[i] & 0xf];
      }
      value = new String(hex);
    }
    return value;
  }

  private Mac[] newMacs() {
    Mac[] all = new Mac[keys.length];
    for (int i = 0; i < keys.length; i++) {
      try {
        all[i] = Mac.getInstance(ALGORITHM);
        all[i].init(new SecretKeySpec(keys[i], ALGORITHM));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Every Java runtime has " + ALGORITHM, e);
      }
    }
    return all;
  }

  /** A deserialized copy has no Macs: it is replaced by one built from its keys. */
  @Serial
  private Object readResolve() {
    return new Pseudonymizer(keys);
  }

  @Override
  public String toString() {
    return "Pseudonymizer[%s, %d key%s %s]"
        .formatted(
            ALGORITHM,
            keys.length,
            keys.length == 1 ? "" : "s",
            EnrichConfig.PSEUDONYM_KEY.printable(""));
  }
}
