package dev.adlake.spark;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.config.SparkConfig;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.spark.encryption.EncryptingCatalog;
import dev.adlake.spark.encryption.TableEncryption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Starts Spark with the Iceberg catalog {@value LakeConfig#CATALOG_NAME} kept in the metadata
 * PostgreSQL (Iceberg's JDBC catalog), the warehouse from the configuration, loopback binding, no
 * UI, UTC, and scratch space under the adlake home.
 */
public final class LakeSession {
  /** The Spark catalog class of every adlake catalog. */
  public static final String CATALOG_IMPLEMENTATION = "org.apache.iceberg.spark.SparkCatalog";

  /**
   * The system property naming the job jar the adlake launcher built; {@code spark.job-jar}
   * overrides it.
   */
  public static final String JOB_JAR_PROPERTY = "adlake.job-jar";

  private static final String SPARK_MASTER = "spark.master";

  private LakeSession() {}

  /** Whether spark-submit started this JVM (it passes the master as a system property). */
  static boolean submitted() {
    return System.getProperty(SPARK_MASTER) != null;
  }

  /**
   * The jar a cluster's executors load adlake's classes from: {@code spark.job-jar}, else the one
   * the launcher built.
   *
   * @throws InvalidInputException when there is none, saying how to build or name it
   */
  public static Path jobJar(AdlakeConfig config) {
    Optional<Path> jar =
        config
            .spark()
            .jobJar()
            .or(() -> Optional.ofNullable(System.getProperty(JOB_JAR_PROPERTY)).map(Path::of));
    if (jar.isEmpty() || !Files.isRegularFile(jar.get())) {
      throw new InvalidInputException(
          ("spark.master is %s: the executors need adlake's job jar, and %s. Build it with"
                  + " './mvnw -pl adlake-job -am package' (./adlake builds it too) or set %s")
              .formatted(
                  config.spark().master(),
                  jar.map(path -> path + " does not exist").orElse("none is known"),
                  SparkConfig.JOB_JAR.name()));
    }
    return jar.get().toAbsolutePath();
  }

  /** The Spark properties adlake sets, before free-form {@code spark.conf.*} ones apply. */
  public static Map<String, String> properties(AdlakeConfig config, MetadataStore metadata) {
    Path work = config.workDirectory();
    String catalog = "spark.sql.catalog." + LakeConfig.CATALOG_NAME;
    Map<String, String> properties = new LinkedHashMap<>();
    boolean local = config.spark().master().startsWith("local");
    if (submitted()) {
      // spark-submit set the master, the jars and the driver's address; the rest applies.
      local = System.getProperty(SPARK_MASTER).startsWith("local");
    } else {
      properties.put(SPARK_MASTER, config.spark().master());
      properties.put("spark.app.name", "adlake");
      if (local) {
        properties.put("spark.driver.bindAddress", "127.0.0.1");
        properties.put("spark.driver.host", "127.0.0.1");
      } else {
        properties.put("spark.jars", jobJar(config).toUri().toString());
      }
    }
    properties.put("spark.ui.enabled", "false");
    properties.put("spark.local.dir", work.resolve("spark").toString());
    properties.put("spark.sql.warehouse.dir", work.resolve("spark-warehouse").toUri().toString());
    properties.put("spark.sql.session.timeZone", "UTC");
    properties.put(
        "spark.sql.shuffle.partitions", String.valueOf(config.spark().shufflePartitions()));
    properties.put("spark.sql.adaptive.enabled", "true");
    // Partition counts from the data's size and a task's memory, for every job's shuffles.
    Map<String, String> sizing = new LinkedHashMap<>(config.spark().properties());
    for (String key : new String[] {"spark.executor.memory", "spark.executor.cores"}) {
      Optional.ofNullable(System.getProperty(key)).ifPresent(value -> sizing.put(key, value));
    }
    properties.putAll(
        PartitionSizing.forSession(
            submitted() ? System.getProperty(SPARK_MASTER) : config.spark().master(),
            sizing,
            config.spark().shufflePartitions()));
    if (local) {
      // In local mode the tasks share adlake's JVM: a task out of memory fails its job (which
      // then says which job and what to change) instead of ending the process.
      properties.put("spark.executor.killOnFatalError.depth", "0");
    }
    properties.put(
        "spark.sql.extensions",
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    properties.put(catalog, CATALOG_IMPLEMENTATION);
    Map<String, String> lakeCatalog =
        new LinkedHashMap<>(catalogProperties(config.lake(), metadata));
    lakeCatalog.putAll(TableEncryption.catalogProperties(config, PlatformTables.catalog(config)));
    lakeCatalog.forEach((name, value) -> properties.put(catalog + "." + name, value));
    properties.put("spark.sql.defaultCatalog", LakeConfig.CATALOG_NAME);
    Map<String, String> s3a = new LinkedHashMap<>(s3aProperties(config.lake()));
    if (config.landing().onS3()) {
      // The landing bucket is reached with the lake's S3 settings, by the ingestion's tasks too.
      s3a.putAll(s3aBucketProperties(config.lake(), config.landing().location().getHost()));
    }
    s3a.forEach((name, value) -> properties.put("spark.hadoop." + name, value));
    properties.putAll(config.spark().properties());
    return properties;
  }

  /**
   * The properties of an Iceberg Spark catalog on the JDBC catalog in PostgreSQL (adlake's {@link
   * EncryptingCatalog}), to be set under {@code spark.sql.catalog.NAME.} beside {@link
   * #CATALOG_IMPLEMENTATION}; for an {@code s3a://} warehouse, a file IO that picks S3 or Hadoop by
   * each path's scheme, since a table on S3 can hold files added in place from a local landing zone
   * (the clean room's staged tables).
   */
  public static Map<String, String> catalogProperties(LakeConfig lake, MetadataStore metadata) {
    Map<String, String> properties = new LinkedHashMap<>();
    // Iceberg's JDBC catalog with table encryption, also when encryption is off: a table made
    // encrypted then says which key it needs, and its key id still cannot be removed.
    properties.put("catalog-impl", EncryptingCatalog.class.getName());
    properties.put("uri", metadata.jdbcUrl());
    properties.put("jdbc.user", metadata.user());
    metadata.password().ifPresent(password -> properties.put("jdbc.password", password));
    properties.put("jdbc.schema-version", "V1");
    // Several processes commit to the same tables; each must see the others' commits at once.
    properties.put("cache-enabled", "false");
    properties.put("warehouse", lake.warehouse().toString());
    if (lake.onS3()) {
      properties.put("io-impl", "org.apache.iceberg.io.ResolvingFileIO");
      properties.put("client.region", lake.s3Region());
      properties.put("s3.path-style-access", String.valueOf(lake.s3PathStyleAccess()));
      lake.s3Endpoint().ifPresent(endpoint -> properties.put("s3.endpoint", endpoint.toString()));
      lake.s3AccessKeyId().ifPresent(key -> properties.put("s3.access-key-id", key));
      lake.s3SecretAccessKey().ifPresent(key -> properties.put("s3.secret-access-key", key));
    }
    return properties;
  }

  /**
   * Hadoop's S3A settings for the warehouse's store, so that {@code s3a://} paths outside Iceberg
   * (the enricher's checkpoint, Spark's own reads) reach the same endpoint with the same keys.
   */
  public static Map<String, String> s3aProperties(LakeConfig lake) {
    return lake.onS3() ? s3aSettings(lake) : Map.of();
  }

  private static Map<String, String> s3aSettings(LakeConfig lake) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("fs.s3a.endpoint.region", lake.s3Region());
    properties.put("fs.s3a.path.style.access", String.valueOf(lake.s3PathStyleAccess()));
    lake.s3Endpoint()
        .ifPresent(
            endpoint -> {
              properties.put("fs.s3a.endpoint", endpoint.toString());
              properties.put(
                  "fs.s3a.connection.ssl.enabled",
                  String.valueOf("https".equals(endpoint.getScheme())));
            });
    lake.s3AccessKeyId().ifPresent(key -> properties.put("fs.s3a.access.key", key));
    lake.s3SecretAccessKey().ifPresent(key -> properties.put("fs.s3a.secret.key", key));
    return properties;
  }

  /**
   * {@link #s3aProperties} for one bucket only ({@code fs.s3a.bucket.NAME.*}), so that a bucket
   * reached with the lake's S3 settings (an S3 landing zone) gets them whatever the warehouse is.
   */
  static Map<String, String> s3aBucketProperties(LakeConfig lake, String bucket) {
    Map<String, String> properties = new LinkedHashMap<>();
    s3aSettings(lake)
        .forEach(
            (name, value) ->
                properties.put(
                    "fs.s3a.bucket." + bucket + "." + name.substring("fs.s3a.".length()), value));
    return properties;
  }

  /** Starts (or returns the running) SparkSession of this JVM with the lake catalog. */
  public static SparkSession start(AdlakeConfig config, MetadataStore metadata) {
    try {
      Files.createDirectories(config.workDirectory().resolve("spark"));
      if ("file".equals(config.lake().warehouse().getScheme())) {
        Files.createDirectories(Path.of(config.lake().warehouse()));
      }
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot create Spark folders under %s: %s".formatted(config.home(), e.getMessage()), e);
    }
    // A session stopped earlier in this JVM must not lend its settings (such as the catalog's
    // JDBC URL or the default catalog) to the new one.
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    SparkSession.Builder builder = SparkSession.builder();
    properties(config, metadata).forEach(builder::config);
    return builder.getOrCreate();
  }
}
