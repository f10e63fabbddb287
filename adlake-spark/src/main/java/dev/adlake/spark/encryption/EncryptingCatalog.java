package dev.adlake.spark.encryption;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionUtil;
import org.apache.iceberg.encryption.KeyManagementClient;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Iceberg's JDBC catalog with native table encryption, which Iceberg's own JDBC catalog lacks: the
 * tables named in {@value #ENCRYPTED_TABLES} are made encrypted (format 3, {@code
 * encryption.key-id}), and every encrypted table is read and written through its keys. Tables made
 * before encryption was configured stay as they are.
 */
public class EncryptingCatalog extends JdbcCatalog {
  /** The catalog property listing the tables to make encrypted, comma-separated. */
  public static final String ENCRYPTED_TABLES = "adlake.encryption.tables";

  /** The format version native encryption needs. */
  static final String FORMAT_VERSION = "3";

  private KeyManagementClient kms;
  private String keyId;
  private Set<String> encrypted = Set.of();

  @Override
  public void initialize(String name, Map<String, String> properties) {
    super.initialize(name, properties);
    keyId = properties.get(MasterKeyKms.KEY_ID_PROPERTY);
    String impl = properties.get(CatalogProperties.ENCRYPTION_KMS_IMPL);
    if (MasterKeyKms.class.getName().equals(impl)) {
      kms = new MasterKeyKms();
      kms.initialize(properties);
    } else if (impl != null || properties.containsKey(CatalogProperties.ENCRYPTION_KMS_TYPE)) {
      kms = EncryptionUtil.createKmsClient(properties);
    }
    encrypted =
        Arrays.stream(properties.getOrDefault(ENCRYPTED_TABLES, "").split(","))
            .map(String::strip)
            .filter(table -> !table.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    if (!encrypted.isEmpty() && (kms == null || keyId == null)) {
      throw new IllegalArgumentException(
          "Catalog %s: tables to encrypt (%s) but no key management (%s) or key id (%s)"
              .formatted(
                  name,
                  ENCRYPTED_TABLES,
                  CatalogProperties.ENCRYPTION_KMS_IMPL,
                  MasterKeyKms.KEY_ID_PROPERTY));
    }
  }

  @Override
  protected TableOperations newTableOps(TableIdentifier identifier) {
    return new EncryptedTableOperations(super.newTableOps(identifier), kms, identifier.toString());
  }

  @Override
  public TableBuilder buildTable(TableIdentifier identifier, Schema schema) {
    TableBuilder builder = super.buildTable(identifier, schema);
    return encrypted.contains(identifier.toString()) ? new Encrypted(builder, identifier) : builder;
  }

  @Override
  public void close() {
    super.close();
    if (kms != null) {
      kms.close();
    }
  }

  /**
   * A table builder that makes the table encrypted; a replace keeps an existing table's choice, as
   * Iceberg cannot encrypt a table after it was made.
   */
  private final class Encrypted implements TableBuilder {
    private final TableBuilder builder;
    private final TableIdentifier identifier;

    Encrypted(TableBuilder builder, TableIdentifier identifier) {
      this.builder = builder;
      this.identifier = identifier;
    }

    private TableBuilder encrypted() {
      return builder
          .withProperty(TableProperties.FORMAT_VERSION, FORMAT_VERSION)
          .withProperty(TableProperties.ENCRYPTION_TABLE_KEY, keyId);
    }

    /** Encrypted when new, or when the table it replaces was. */
    private TableBuilder replacing() {
      if (!tableExists(identifier)) {
        return encrypted();
      }
      Table existing = loadTable(identifier);
      return existing.properties().containsKey(TableProperties.ENCRYPTION_TABLE_KEY)
          ? encrypted()
          : builder;
    }

    @Override
    public TableBuilder withPartitionSpec(PartitionSpec spec) {
      builder.withPartitionSpec(spec);
      return this;
    }

    @Override
    public TableBuilder withSortOrder(SortOrder sortOrder) {
      builder.withSortOrder(sortOrder);
      return this;
    }

    @Override
    public TableBuilder withLocation(String location) {
      builder.withLocation(location);
      return this;
    }

    @Override
    public TableBuilder withProperties(Map<String, String> properties) {
      builder.withProperties(properties);
      return this;
    }

    @Override
    public TableBuilder withProperty(String key, String value) {
      builder.withProperty(key, value);
      return this;
    }

    @Override
    public Table create() {
      return encrypted().create();
    }

    @Override
    public Transaction createTransaction() {
      return encrypted().createTransaction();
    }

    @Override
    public Transaction replaceTransaction() {
      return replacing().replaceTransaction();
    }

    @Override
    public Transaction createOrReplaceTransaction() {
      return replacing().createOrReplaceTransaction();
    }
  }
}
