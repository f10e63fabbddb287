package dev.adlake.spark.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MasterKeyKmsTest {
  private static final String KEY =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  static MasterKeyKms kms(String key, String id) {
    MasterKeyKms kms = new MasterKeyKms();
    kms.initialize(Map.of(MasterKeyKms.MASTER_KEY_PROPERTY, key, MasterKeyKms.KEY_ID_PROPERTY, id));
    return kms;
  }

  @Test
  void aWrappedKeyOpensWithTheSameMasterKeyAndIdOnly() {
    ByteBuffer dataKey =
        ByteBuffer.wrap(HexFormat.of().parseHex("0f0e0d0c0b0a09080706050403020100"));
    ByteBuffer wrapped = kms(KEY, "k1").wrapKey(dataKey, "k1");
    assertThat(wrapped.remaining()).isGreaterThan(16);
    assertThat(kms(KEY, "k1").unwrapKey(wrapped, "k1")).isEqualTo(dataKey);
    // Two wraps of one key differ (a random nonce each).
    assertThat(kms(KEY, "k1").wrapKey(dataKey, "k1")).isNotEqualTo(wrapped);
    assertThatThrownBy(() -> kms("ff" + KEY.substring(2), "k1").unwrapKey(wrapped, "k1"))
        .hasMessageContaining("not the one it was wrapped with");
    assertThatThrownBy(() -> kms(KEY, "k1").unwrapKey(wrapped, "k2"))
        .hasMessageContaining("encrypted under master key 'k2'");
  }

  @Test
  void aMissingOrShortKeyIsRefusedNamingWhatToSet() {
    assertThatThrownBy(() -> new MasterKeyKms().initialize(Map.of()))
        .hasMessageContaining(MasterKeyKms.MASTER_KEY_PROPERTY);
    assertThatThrownBy(() -> kms("0011", "k1")).hasMessageContaining("has 2 bytes");
  }
}
