package dev.adlake.core.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Encryption at rest of the lake tables that hold user-level data (those the table catalog names
 * user columns of): Iceberg's native encryption, which writes their data files as encrypted Parquet
 * (modular encryption, AES-GCM) and their manifests encrypted, each file with its own data key
 * wrapped by a master key.
 *
 * @param userTables whether tables with user-level data are made encrypted
 * @param keyId the master key's id, kept in each encrypted table's properties
 * @param masterKey the master key (hex), when configured rather than generated into the home
 * @param kmsImplementation an Iceberg key-management client class (a cloud KMS) instead of the
 *     master key
 */
public record EncryptionConfig(
    boolean userTables,
    String keyId,
    Optional<String> masterKey,
    Optional<String> kmsImplementation) {
  /** The bytes of a master key: AES-256. */
  public static final int MASTER_KEY_BYTES = 32;

  public static final ConfigKey<Boolean> USER_TABLES =
      ConfigKey.of(
          "encryption.user-tables",
          ValueType.bool(),
          "false",
          "Encrypt the lake tables with user-level data (Iceberg native encryption: encrypted"
              + " Parquet and manifests); applies to tables made from then on");
  public static final ConfigKey<String> KEY_ID =
      ConfigKey.of(
          "encryption.key-id",
          ValueType.matching(Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]*"), "a key id"),
          "adlake-user-tables",
          "Id of the master key that wraps the tables' data keys (a KMS key id with"
              + " encryption.kms-impl)");
  public static final ConfigKey<String> MASTER_KEY =
      ConfigKey.of(
          "encryption.master-key",
          ValueType.secret(2 * MASTER_KEY_BYTES),
          null,
          "Master key, 64 hex digits (prefer the env var; shown masked); unset: a random one is"
              + " made in <home>/secrets/table-master-key");
  public static final ConfigKey<String> KMS_IMPL =
      ConfigKey.of(
          "encryption.kms-impl",
          ValueType.string(),
          null,
          "Iceberg KeyManagementClient class of a KMS holding the master key, such as"
              + " org.apache.iceberg.aws.AwsKeyManagementClient; unset: the master key above");

  static List<ConfigKey<?>> keys() {
    return List.of(USER_TABLES, KEY_ID, MASTER_KEY, KMS_IMPL);
  }

  public static EncryptionConfig of(AdlakeConfig config) {
    ConfigValues values = config.values();
    return new EncryptionConfig(
        values.get(USER_TABLES),
        values.get(KEY_ID),
        values.find(MASTER_KEY),
        values.find(KMS_IMPL));
  }
}
