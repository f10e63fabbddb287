package dev.adlake.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.robothy.s3.rest.LocalS3;
import com.robothy.s3.rest.bootstrap.LocalS3Mode;
import dev.adlake.core.ConflictException;
import dev.adlake.core.LoopbackPorts;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.kafka.archive.ArchiveScenario;
import dev.adlake.spark.common.S3ArchiveStore;
import dev.adlake.spark.common.S3Clients;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An s3a:// warehouse: Iceberg tables written to and read from a real S3 API (LocalS3 in memory, in
 * this JVM), configured through the adlake keys a user sets; Spark's files, a streaming checkpoint
 * and the Kafka archive there too.
 */
class S3WarehouseIT {
  private static final String ACCESS_KEY = "adlake-access";
  private static final String SECRET_KEY = "adlake-secret";
  private static final String BUCKET = "ad-lake";
  private static LocalS3 server;
  private static S3Client client;
  private static URI endpoint;

  @BeforeAll
  static void startS3() throws Exception {
    int port = LoopbackPorts.free();
    server = LocalS3.builder().port(port).mode(LocalS3Mode.IN_MEMORY).build();
    server.start();
    endpoint = URI.create("http://127.0.0.1:" + port);
    client = S3Clients.of(endpoint, ACCESS_KEY, SECRET_KEY);
    client.createBucket(request -> request.bucket(BUCKET));
  }

  @AfterAll
  static void stopS3() {
    client.close();
    server.shutdown();
  }

  @Test
  void tablesLiveInTheBucket() {
    Platform platform = TestPlatform.get();
    AdlakeConfig s3Config = s3Config();
    SparkSession spark = platform.spark();
    // A second catalog in the shared session, with the properties adlake gives its own catalog.
    spark.conf().set("spark.sql.catalog.s3lake", LakeSession.CATALOG_IMPLEMENTATION);
    LakeSession.catalogProperties(s3Config.lake(), platform.metadata())
        .forEach((name, value) -> spark.conf().set("spark.sql.catalog.s3lake." + name, value));

    spark.sql("CREATE NAMESPACE IF NOT EXISTS s3lake.raw");
    spark.sql("CREATE TABLE s3lake.raw.on_s3 (ad_id INT, impressions BIGINT) USING iceberg");
    spark.sql("INSERT INTO s3lake.raw.on_s3 VALUES (100001, 42), (100002, 7)");

    assertThat(spark.sql("SELECT sum(impressions) FROM s3lake.raw.on_s3").first().getLong(0))
        .isEqualTo(49);
    List<String> keys =
        client.listObjectsV2(request -> request.bucket(BUCKET)).contents().stream()
            .map(S3Object::key)
            .toList();
    assertThat(keys)
        .anyMatch(key -> key.startsWith("warehouse/raw/on_s3/data/") && key.endsWith(".parquet"))
        .anyMatch(
            key ->
                key.startsWith("warehouse/raw/on_s3/metadata/") && key.endsWith(".metadata.json"));
  }

  @Test
  void streamingCheckpointsAndSparkFilesUseS3a() throws Exception {
    SparkSession spark = TestPlatform.get().spark();
    LakeSession.s3aProperties(s3Config().lake())
        .forEach((name, value) -> spark.sparkContext().hadoopConfiguration().set(name, value));
    String root = "s3a://" + BUCKET + "/s3a-check/";
    spark.range(1000).write().parquet(root + "numbers");
    var query =
        spark
            .readStream()
            .schema("id BIGINT")
            .parquet(root + "numbers")
            .writeStream()
            .format("parquet")
            .option("checkpointLocation", root + "checkpoint")
            .trigger(org.apache.spark.sql.streaming.Trigger.AvailableNow())
            .start(root + "copy");
    query.awaitTermination();

    assertThat(spark.read().parquet(root + "copy").count()).isEqualTo(1000);
    List<String> keys =
        client
            .listObjectsV2(request -> request.bucket(BUCKET).prefix("s3a-check/checkpoint/"))
            .contents()
            .stream()
            .map(S3Object::key)
            .toList();
    assertThat(keys).anyMatch(key -> key.startsWith("s3a-check/checkpoint/commits/"));
  }

  @Test
  void kafkaArchiveOnS3AcrossCrashesAndRestarts() throws Exception {
    Platform platform = TestPlatform.get();
    AdlakeConfig s3Config = s3Config();
    URI location = URI.create("s3a://" + BUCKET + "/kafka-archive");
    Path staging = s3Config.home().resolve("staging").resolve("s3-archive-it");
    JdbcLocks locks = new JdbcLocks(platform.metadata().dataSource());
    new ArchiveScenario(
            () -> new S3ArchiveStore(location, s3Config.lake(), staging, locks),
            path ->
                client.getObject(request -> request.bucket(BUCKET).key("kafka-archive/" + path)))
        .everyRecordOnceInItsHourAcrossCrashesAndRestarts(
            platform.kafkaBootstrapServers(), location);

    // One archiver per archive, on any host: the lock is PostgreSQL's.
    try (S3ArchiveStore first = new S3ArchiveStore(location, s3Config.lake(), staging, locks);
        S3ArchiveStore second = new S3ArchiveStore(location, s3Config.lake(), staging, locks)) {
      first.lock();
      assertThatThrownBy(second::lock)
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("another archiver is writing there");
    }
  }

  /** A configuration with the warehouse in the bucket, set through the environment variables. */
  private static AdlakeConfig s3Config() {
    return ConfigLoader.load(
        new ConfigLoader.Request(
            Optional.of(TestPlatform.get().config().home()),
            Optional.empty(),
            Map.of(
                "ADLAKE_LAKE_WAREHOUSE",
                "s3a://" + BUCKET + "/warehouse",
                "ADLAKE_LAKE_S3_ENDPOINT",
                endpoint.toString(),
                "ADLAKE_LAKE_S3_PATH_STYLE_ACCESS",
                "true",
                "ADLAKE_LAKE_S3_ACCESS_KEY_ID",
                ACCESS_KEY,
                "ADLAKE_LAKE_S3_SECRET_ACCESS_KEY",
                SECRET_KEY),
            Map.of(),
            Path.of("").toAbsolutePath()));
  }
}
