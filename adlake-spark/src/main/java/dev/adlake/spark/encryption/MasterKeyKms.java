package dev.adlake.spark.encryption;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.iceberg.encryption.KeyManagementClient;

/**
 * Iceberg's key management with one master key held by adlake (configured, or generated into the
 * home's secrets): it wraps each table's data keys with AES-256-GCM, the key id as additional data,
 * so a wrapped key opens only with the same master key under the same id.
 *
 * <p>For a single machine or a cluster whose executors may hold the key; a deployment with a cloud
 * KMS names its client in {@code encryption.kms-impl} instead, and the master key never leaves it.
 * Serialised with Iceberg's encryption manager to the executors, which unwrap data keys to read.
 */
public final class MasterKeyKms implements KeyManagementClient {
  private static final long serialVersionUID = 1L;

  /** The catalog property holding the master key in hex ("secret": Spark redacts it in logs). */
  public static final String MASTER_KEY_PROPERTY = "adlake.encryption.secret-master-key";

  /** The catalog property naming the master key's id. */
  public static final String KEY_ID_PROPERTY = "adlake.encryption.master-key-id";

  private static final String CIPHER = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private byte[] masterKey;
  private String keyId;

  @Override
  public void initialize(Map<String, String> properties) {
    String hex = properties.get(MASTER_KEY_PROPERTY);
    keyId = properties.get(KEY_ID_PROPERTY);
    if (hex == null || keyId == null) {
      throw new IllegalArgumentException(
          "The lake catalog has no master key: %s and %s must be set (adlake sets them from"
                  .formatted(MASTER_KEY_PROPERTY, KEY_ID_PROPERTY)
              + " encryption.master-key or the home's secrets/table-master-key)");
    }
    masterKey = HexFormat.of().parseHex(hex);
    if (masterKey.length != 16 && masterKey.length != 32) {
      throw new IllegalArgumentException(
          "The master key has %d bytes; AES needs 16 or 32 (64 hex digits)"
              .formatted(masterKey.length));
    }
  }

  @Override
  public ByteBuffer wrapKey(ByteBuffer key, String wrappingKeyId) {
    requireKnown(wrappingKeyId);
    byte[] nonce = new byte[NONCE_BYTES];
    new SecureRandom().nextBytes(nonce);
    byte[] sealed = crypt(Cipher.ENCRYPT_MODE, nonce, bytes(key), wrappingKeyId);
    return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).flip();
  }

  @Override
  public ByteBuffer unwrapKey(ByteBuffer wrappedKey, String wrappingKeyId) {
    requireKnown(wrappingKeyId);
    byte[] wrapped = bytes(wrappedKey);
    if (wrapped.length <= NONCE_BYTES) {
      throw new IllegalArgumentException(
          "A wrapped key of %d bytes is too short".formatted(wrapped.length));
    }
    byte[] nonce = java.util.Arrays.copyOf(wrapped, NONCE_BYTES);
    byte[] sealed = java.util.Arrays.copyOfRange(wrapped, NONCE_BYTES, wrapped.length);
    return ByteBuffer.wrap(crypt(Cipher.DECRYPT_MODE, nonce, sealed, wrappingKeyId));
  }

  private void requireKnown(String wrappingKeyId) {
    if (!keyId.equals(wrappingKeyId)) {
      throw new IllegalArgumentException(
          "The table is encrypted under master key '%s', and this catalog holds '%s'"
                  .formatted(wrappingKeyId, keyId)
              + " (encryption.key-id)");
    }
  }

  private byte[] crypt(int mode, byte[] nonce, byte[] input, String wrappingKeyId) {
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(mode, new SecretKeySpec(masterKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(wrappingKeyId.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(input);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException(
          "Cannot unwrap a data key of master key '%s': the master key is not the one it was"
                  .formatted(wrappingKeyId)
              + " wrapped with",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
    }
  }

  /** The buffer's remaining bytes, leaving its position as it was. */
  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }
}
