package dev.adlake.spark.encryption;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.SecretFiles;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.EncryptionConfig;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;

/**
 * The lake catalog's settings for encryption at rest ({@code encryption.*}): adlake's catalog with
 * the master key's client, and the tables with user-level data to make encrypted.
 */
public final class TableEncryption {
  private TableEncryption() {}

  private static void requireHexKey(String key) {
    if (!key.matches("[0-9a-fA-F]{64}")) {
      throw new InvalidInputException(
          "%s must be 64 hex digits (a 256-bit key), such as the output of 'openssl rand -hex 32'"
              .formatted(EncryptionConfig.MASTER_KEY.name()));
    }
  }

  /**
   * The home's master key, made at random on its first use when the home keeps its own metadata
   * (the embedded PostgreSQL): processes sharing an external database may be on other hosts, where
   * a key of their own would not open the tables, so there the key must be configured.
   */
  static String homeMasterKey(AdlakeConfig config) {
    Path file = masterKeyFile(config);
    return SecretFiles.read(file)
        .orElseGet(
            () -> {
              if (!config.metadata().embedded()) {
                throw new InvalidInputException(
                    ("encryption.user-tables is on and no master key is known: set %s (the same on"
                            + " every host; ADLAKE_ENCRYPTION_MASTER_KEY) or %s, or copy the key"
                            + " file to %s. A key is made on its own only on a home with the"
                            + " embedded PostgreSQL")
                        .formatted(
                            EncryptionConfig.MASTER_KEY.name(),
                            EncryptionConfig.KMS_IMPL.name(),
                            file));
              }
              return SecretFiles.createIfMissing(file, EncryptionConfig.MASTER_KEY_BYTES);
            });
  }

  /** Where a home keeps the master key adlake made for it. */
  public static Path masterKeyFile(AdlakeConfig config) {
    return config.secretsDirectory().resolve("table-master-key");
  }

  /** The lake tables with user-level data: those the table catalog names user columns of. */
  public static List<String> userTables(TableCatalog tables) {
    return tables.of(TableStore.LAKE).stream()
        .filter(table -> !table.userColumns().isEmpty())
        .map(TableDefinition::name)
        .toList();
  }

  /**
   * The catalog properties to add when {@code encryption.user-tables} is on (and none when off),
   * with the master key made in the home's secrets if none is configured and the home may.
   *
   * @param tables the platform's table catalog
   */
  public static Map<String, String> catalogProperties(AdlakeConfig config, TableCatalog tables) {
    EncryptionConfig encryption = EncryptionConfig.of(config);
    Map<String, String> properties = new LinkedHashMap<>();
    if (!encryption.userTables()) {
      return properties;
    }
    properties.put(MasterKeyKms.KEY_ID_PROPERTY, encryption.keyId());
    if (encryption.kmsImplementation().isPresent()) {
      properties.put(CatalogProperties.ENCRYPTION_KMS_IMPL, encryption.kmsImplementation().get());
    } else {
      properties.put(CatalogProperties.ENCRYPTION_KMS_IMPL, MasterKeyKms.class.getName());
      encryption.masterKey().ifPresent(TableEncryption::requireHexKey);
      properties.put(
          MasterKeyKms.MASTER_KEY_PROPERTY,
          encryption.masterKey().orElseGet(() -> homeMasterKey(config)));
    }
    properties.put(EncryptingCatalog.ENCRYPTED_TABLES, String.join(",", userTables(tables)));
    return properties;
  }
}
