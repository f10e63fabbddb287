package dev.adlake.spark.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.SecretFiles;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.spark.LakeSession;
import dev.adlake.spark.Platform;
import dev.adlake.spark.PlatformTables;
import dev.adlake.spark.TestPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest ({@code encryption.user-tables}): a table with user-level data is written as
 * encrypted Parquet with encrypted manifests, reads back equal through the lake catalog with its
 * key, and cannot be read without it (by Parquet directly, by Iceberg's plain JDBC catalog, or with
 * another master key); a table without user data stays plain. The catalogs are added to the shared
 * test session under their own names and warehouse.
 */
class EncryptedTablesIT {
  @TempDir static Path warehouse;
  static SparkSession spark;
  static AdlakeConfig config;
  static Map<String, String> catalog;

  static final List<Row> PEOPLE =
      List.of(
          org.apache.spark.sql.RowFactory.create("u-1", "Alice", 3),
          org.apache.spark.sql.RowFactory.create("u-2", "Bob", 5),
          org.apache.spark.sql.RowFactory.create("u-3", "Chloé", 8));

  @BeforeAll
  static void catalogs() {
    Platform platform = TestPlatform.get();
    spark = platform.spark();
    config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(platform.config().home()),
                Optional.empty(),
                Map.of(),
                Map.of(
                    "spark.master", "local[2]",
                    "encryption.user-tables", "true",
                    "lake.warehouse", warehouse.toUri().toString()),
                Path.of("").toAbsolutePath()));
    catalog = lakeCatalog(LakeSession.properties(config, platform.metadata()));
    register("secure", catalog);
  }

  /** The lake catalog's properties, without the prefix. */
  static Map<String, String> lakeCatalog(Map<String, String> sparkProperties) {
    String prefix = "spark.sql.catalog.lake.";
    Map<String, String> properties = new java.util.LinkedHashMap<>();
    sparkProperties.forEach(
        (name, value) -> {
          if (name.startsWith(prefix)) {
            properties.put(name.substring(prefix.length()), value);
          }
        });
    return properties;
  }

  static void register(String name, Map<String, String> properties) {
    spark.conf().set("spark.sql.catalog." + name, LakeSession.CATALOG_IMPLEMENTATION);
    properties.forEach(
        (key, value) -> spark.conf().set("spark.sql.catalog." + name + "." + key, value));
  }

  @Test
  void userLevelTablesAreTheOnesWithUserColumns() {
    List<String> user = TableEncryption.userTables(PlatformTables.catalog(config));
    assertThat(user).contains("streams.events", "streams.mappings");
    assertThat(user).doesNotContain("reporting.ad_hour");
    assertThat(catalog.get(EncryptingCatalog.ENCRYPTED_TABLES).split(","))
        .containsExactlyElementsOf(user);
    assertThat(catalog)
        .doesNotContainKey("type")
        .containsEntry("catalog-impl", EncryptingCatalog.class.getName());
    Path key = TableEncryption.masterKeyFile(config);
    assertThat(key).exists();
    assertThat(SecretFiles.ownerOnly(key)).isTrue();
  }

  @Test
  void encryptedTableReadsBackWithItsKeyAndNotWithout() throws IOException {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS secure.streams");
    spark.sql("CREATE TABLE secure.streams.events (user_id STRING, name STRING, visits INT)");
    spark.sql("INSERT INTO secure.streams.events VALUES ('u-1', 'Alice', 3), ('u-2', 'Bob', 5)");
    spark.sql("INSERT INTO secure.streams.events VALUES ('u-3', 'Chloé', 8)");
    // A table of no user data beside it, in the same catalog, stays plain.
    spark.sql("CREATE TABLE secure.streams.totals (visits INT)");
    spark.sql("INSERT INTO secure.streams.totals VALUES (16)");

    assertThat(spark.sql("SELECT * FROM secure.streams.events ORDER BY user_id").collectAsList())
        .containsExactlyElementsOf(PEOPLE);
    assertThat(
            spark
                .sql("SHOW TBLPROPERTIES secure.streams.events ('encryption.key-id')")
                .first()
                .getString(1))
        .isEqualTo("adlake-user-tables");

    Path events = warehouse.resolve("streams/events");
    List<Path> dataFiles = files(events.resolve("data"), ".parquet");
    assertThat(dataFiles).isNotEmpty();
    for (Path file : dataFiles) {
      // Parquet modular encryption with an encrypted footer: "PARE", not "PAR1".
      assertThat(magic(file)).as(file.toString()).isEqualTo("PARE");
      assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
          .doesNotContain("Alice", "u-1");
    }
    for (Path manifest : files(events.resolve("metadata"), ".avro")) {
      assertThat(magic(manifest)).as("an encrypted manifest " + manifest).isNotEqualTo("Obj\u0001");
    }
    assertThat(files(events.resolve("metadata"), ".metadata.json"))
        .last()
        .satisfies(metadata -> assertThat(Files.readString(metadata)).contains("encryption-keys"));
    for (Path file : files(warehouse.resolve("streams/totals/data"), ".parquet")) {
      assertThat(magic(file)).isEqualTo("PAR1");
    }

    // Parquet alone cannot open the files.
    assertThatThrownBy(() -> spark.read().parquet(dataFiles.get(0).toString()).collectAsList())
        .hasStackTraceContaining("encrypted");
    // Nor can Iceberg's JDBC catalog without the keys.
    Map<String, String> plain = new java.util.LinkedHashMap<>(catalog);
    plain.keySet().removeIf(name -> name.startsWith("adlake.") || name.startsWith("encryption."));
    plain.remove("catalog-impl");
    try (JdbcCatalog withoutKeys = new JdbcCatalog()) {
      withoutKeys.initialize("secure", plain);
      assertThat(planned(withoutKeys, "totals")).hasSize(1);
      assertThatThrownBy(() -> planned(withoutKeys, "events")).hasStackTraceContaining("decrypt");
    }
    // A lake catalog with encryption off names the key the table needs.
    Map<String, String> off = new java.util.LinkedHashMap<>(catalog);
    off.keySet()
        .removeIf(name -> name.startsWith("adlake.encryption") || name.startsWith("encryption."));
    try (EncryptingCatalog withoutEncryption = new EncryptingCatalog()) {
      withoutEncryption.initialize("secure", off);
      assertThat(planned(withoutEncryption, "totals")).hasSize(1);
      assertThatThrownBy(() -> planned(withoutEncryption, "events"))
          .hasStackTraceContaining(
              "encrypted under master key 'adlake-user-tables', and encryption is not configured");
    }
    // Nor another master key.
    Map<String, String> wrong = new java.util.LinkedHashMap<>(catalog);
    wrong.put(MasterKeyKms.MASTER_KEY_PROPERTY, HexFormat.of().formatHex(new byte[32]));
    try (EncryptingCatalog otherKey = new EncryptingCatalog()) {
      otherKey.initialize("secure", wrong);
      assertThatThrownBy(() -> planned(otherKey, "events"))
          .hasStackTraceContaining("not the one it was wrapped with");
    }

    // A job's replace of the table keeps it encrypted.
    spark.sql(
        "CREATE OR REPLACE TABLE secure.streams.events AS SELECT * FROM secure.streams.events"
            + " WHERE visits > 3");
    assertThat(spark.sql("SELECT count(*) FROM secure.streams.events").first().getLong(0))
        .isEqualTo(2);
    assertThat(files(events.resolve("data"), ".parquet"))
        .allSatisfy(file -> assertThat(magic(file)).isEqualTo("PARE"));
  }

  @Test
  void keyIdCannotBeDroppedFromAnEncryptedTable() {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS secure.identity");
    spark.sql("CREATE TABLE secure.streams.mappings (user_id STRING)");
    assertThatThrownBy(
            () ->
                spark.sql(
                    "ALTER TABLE secure.streams.mappings UNSET TBLPROPERTIES ('encryption.key-id')"))
        .hasStackTraceContaining("cannot be added, changed or removed");
  }

  /** The data files a scan of the table plans, which reads its manifest list and manifests. */
  static List<String> planned(org.apache.iceberg.catalog.Catalog catalog, String table)
      throws IOException {
    List<String> files = new java.util.ArrayList<>();
    try (var tasks =
        catalog.loadTable(TableIdentifier.of("streams", table)).newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file().location()));
    }
    return files;
  }

  static List<Path> files(Path folder, String suffix) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  static String magic(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(4), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
