package dev.adlake.spark.encryption;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.encryption.EncryptedKey;
import org.apache.iceberg.encryption.EncryptingFileIO;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.encryption.EncryptionUtil;
import org.apache.iceberg.encryption.KeyManagementClient;
import org.apache.iceberg.encryption.PlaintextEncryptionManager;
import org.apache.iceberg.encryption.StandardEncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The JDBC catalog's operations of one table, with Iceberg's native encryption for a table whose
 * properties name a key ({@code encryption.key-id}): its files are written and read through an
 * encryption manager that makes a data key per file, wraps it with the master key, and keeps the
 * wrapped keys in the table's metadata at each commit. A table without a key passes through as is.
 *
 * <p>The JDBC catalog keeps only the metadata file's location, so the key id comes from the
 * metadata's properties, set when the table was made and never changed after ({@link #commit}
 * refuses to add, change or drop it).
 */
final class EncryptedTableOperations implements TableOperations {
  private final TableOperations plain;
  private final KeyManagementClient kms;
  private final String table;

  private TableMetadata seen;
  private String keyId;
  private int dataKeyLength = TableProperties.ENCRYPTION_DEK_LENGTH_DEFAULT;
  private List<EncryptedKey> keys = List.of();
  private EncryptionManager manager;
  private FileIO encryptingIo;

  /**
   * @param plain the JDBC catalog's operations of the table
   * @param kms the master key's client; null when the catalog has none configured
   */
  EncryptedTableOperations(TableOperations plain, KeyManagementClient kms, String table) {
    this.plain = plain;
    this.kms = kms;
    this.table = table;
  }

  @Override
  public TableMetadata current() {
    return follow(plain.current());
  }

  @Override
  public TableMetadata refresh() {
    return follow(plain.refresh());
  }

  /**
   * Takes the key id and the committed data keys of new metadata; keys made since the last commit
   * (a manifest list's, during a commit that is retried) are kept beside them.
   */
  private synchronized TableMetadata follow(TableMetadata metadata) {
    if (metadata == null || metadata == seen) {
      return metadata;
    }
    seen = metadata;
    String key = metadata.property(TableProperties.ENCRYPTION_TABLE_KEY, null);
    if (key == null) {
      return metadata;
    }
    keyId = key;
    dataKeyLength = dataKeyLength(metadata.properties());
    List<EncryptedKey> committed =
        new ArrayList<>(metadata.encryptionKeys() == null ? List.of() : metadata.encryptionKeys());
    if (manager instanceof StandardEncryptionManager) {
      Set<String> ids = new HashSet<>();
      committed.forEach(k -> ids.add(k.keyId()));
      for (EncryptedKey pending : EncryptionUtil.encryptionKeys(manager).values()) {
        if (ids.add(pending.keyId())) {
          committed.add(pending);
        }
      }
    }
    keys = committed;
    manager = null;
    encryptingIo = null;
    return metadata;
  }

  private static int dataKeyLength(Map<String, String> properties) {
    return PropertyUtil.propertyAsInt(
        properties,
        TableProperties.ENCRYPTION_DEK_LENGTH,
        TableProperties.ENCRYPTION_DEK_LENGTH_DEFAULT);
  }

  /** A new table's key id, from the metadata it is made with. */
  private synchronized void adopt(Map<String, String> properties) {
    if (keyId == null && properties.containsKey(TableProperties.ENCRYPTION_TABLE_KEY)) {
      keyId = properties.get(TableProperties.ENCRYPTION_TABLE_KEY);
      dataKeyLength = dataKeyLength(properties);
    }
  }

  @Override
  public synchronized EncryptionManager encryption() {
    current();
    if (keyId == null) {
      return PlaintextEncryptionManager.instance();
    }
    if (manager == null) {
      if (kms == null) {
        throw new IllegalStateException(
            ("Table %s is encrypted under master key '%s', and encryption is not configured: set"
                    + " encryption.user-tables=true (with the same encryption.key-id and master"
                    + " key) to read or write it")
                .formatted(table, keyId));
      }
      manager =
          EncryptionUtil.createEncryptionManager(
              keys,
              Map.of(
                  TableProperties.ENCRYPTION_TABLE_KEY,
                  keyId,
                  TableProperties.ENCRYPTION_DEK_LENGTH,
                  String.valueOf(dataKeyLength)),
              kms);
    }
    return manager;
  }

  @Override
  public synchronized FileIO io() {
    current();
    if (keyId == null) {
      return plain.io();
    }
    if (encryptingIo == null) {
      encryptingIo = EncryptingFileIO.combine(plain.io(), encryption());
    }
    return encryptingIo;
  }

  /** Commits with the data keys made for this commit's files added to the metadata. */
  @Override
  public void commit(TableMetadata base, TableMetadata metadata) {
    if (base != null && base != metadata) {
      String before = base.property(TableProperties.ENCRYPTION_TABLE_KEY, null);
      String after = metadata.property(TableProperties.ENCRYPTION_TABLE_KEY, null);
      if (!Objects.equals(before, after)) {
        throw new IllegalArgumentException(
            "Table %s: its encryption key id cannot be added, changed or removed (was %s, now %s);"
                    .formatted(table, before, after)
                + " to change it, rename the table and copy it back under its name");
      }
    }
    adopt(metadata.properties());
    TableMetadata withKeys = metadata;
    EncryptionManager encryption = encryption();
    if (encryption instanceof StandardEncryptionManager && base != metadata) {
      TableMetadata.Builder builder = TableMetadata.buildFrom(metadata);
      EncryptionUtil.encryptionKeys(encryption).values().forEach(builder::addEncryptionKey);
      withKeys = builder.build();
    }
    plain.commit(base, withKeys);
  }

  @Override
  public String metadataFileLocation(String fileName) {
    return plain.metadataFileLocation(fileName);
  }

  @Override
  public LocationProvider locationProvider() {
    return plain.locationProvider();
  }

  @Override
  public long newSnapshotId() {
    return plain.newSnapshotId();
  }

  @Override
  public boolean requireStrictCleanup() {
    return plain.requireStrictCleanup();
  }

  /**
   * The operations of a table being made in a transaction (create as select, replace): its files
   * are encrypted as the uncommitted metadata says.
   */
  @Override
  public TableOperations temp(TableMetadata uncommitted) {
    TableOperations temporary = plain.temp(uncommitted);
    EncryptedTableOperations outer = this;
    return new TableOperations() {
      @Override
      public TableMetadata current() {
        return uncommitted;
      }

      @Override
      public TableMetadata refresh() {
        throw new UnsupportedOperationException("Cannot refresh a table being made");
      }

      @Override
      public void commit(TableMetadata base, TableMetadata metadata) {
        throw new UnsupportedOperationException("Cannot commit a table being made on its own");
      }

      @Override
      public FileIO io() {
        outer.adopt(uncommitted.properties());
        return outer.io();
      }

      @Override
      public EncryptionManager encryption() {
        outer.adopt(uncommitted.properties());
        return outer.encryption();
      }

      @Override
      public String metadataFileLocation(String fileName) {
        return temporary.metadataFileLocation(fileName);
      }

      @Override
      public LocationProvider locationProvider() {
        return temporary.locationProvider();
      }

      @Override
      public long newSnapshotId() {
        return temporary.newSnapshotId();
      }
    };
  }
}
