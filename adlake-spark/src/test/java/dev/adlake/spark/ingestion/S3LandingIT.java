package dev.adlake.spark.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import com.robothy.s3.rest.LocalS3;
import com.robothy.s3.rest.bootstrap.LocalS3Mode;
import dev.adlake.core.LoopbackPorts;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.spark.LakeSession;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.common.S3Clients;
import dev.adlake.spark.ingestion.partner.RawCopyJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A landing zone on S3 (LocalS3 in this JVM): listed, loaded once, moved to the archive. */
class S3LandingIT {
  private static LocalS3 server;
  private static S3Client client;
  private static String endpoint;

  @BeforeAll
  static void startS3() throws Exception {
    int port = LoopbackPorts.free();
    server = LocalS3.builder().port(port).mode(LocalS3Mode.IN_MEMORY).build();
    server.start();
    endpoint = "http://127.0.0.1:" + port;
    client = S3Clients.of(java.net.URI.create(endpoint), "k", "s");
    client.createBucket(request -> request.bucket("incoming"));
  }

  @AfterAll
  static void stopS3() {
    client.close();
    server.shutdown();
  }

  @Test
  void filesInABucketAreLoadedOnceAndMovedToTheArchive() {
    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("s3-landing-it");
    AdlakeConfig config =
        configFor(
            platform,
            root,
            "s3a://incoming/landing",
            Map.ofEntries(
                Map.entry("ingest.archive-path", root.resolve("archive").toString()),
                Map.entry("ingest.error-path", root.resolve("error").toString()),
                Map.entry("feeds.bucket.prefix", "partner/bucket/"),
                Map.entry("feeds.bucket.format", "csv"),
                Map.entry("feeds.bucket.schema", "id int not null"),
                Map.entry("feeds.bucket.table", "it_s3.partner__bucket")));
    client.putObject(
        request -> request.bucket("incoming").key("landing/partner/bucket/a.csv"),
        RequestBody.fromString("id\n1\n2\n"));
    client.putObject(
        request -> request.bucket("incoming").key("landing/partner/bucket/b.csv"),
        RequestBody.fromString("id\n3\n"));
    client.putObject(
        request -> request.bucket("incoming").key("landing/elsewhere/c.csv"),
        RequestBody.fromString("id\n4\n"));
    JdbcLoadLedger ledger = new JdbcLoadLedger(platform.metadata().dataSource());
    Ingestion ingestion =
        new Ingestion(platform.spark(), config, ledger, LandingStores.open(config), line -> {});

    Ingestion.Report report = ingestion.run(config.feeds());

    assertThat(report.archived()).isEqualTo(2);
    assertThat(report.unmatched()).containsExactly("elsewhere/c.csv");
    List<Load> loads = ledger.list(Optional.empty(), Optional.of("bucket"), Optional.empty(), 10);
    assertThat(loads).hasSize(2).allMatch(load -> load.status() == LoadStatus.ARCHIVED);
    assertThat(platform.spark().table("it_s3.partner__bucket").count()).isEqualTo(3);
    // Both files in one batch, parsed by Spark's tasks through S3A: one commit lists both loads.
    List<String> commits =
        platform
            .spark()
            .sql(
                "SELECT summary['adlake.load-ids'] FROM it_s3.partner__bucket.snapshots"
                    + " WHERE summary['adlake.load-ids'] IS NOT NULL")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(commits)
        .singleElement()
        .satisfies(
            ids ->
                assertThat(ids.split(","))
                    .containsExactlyInAnyOrderElementsOf(
                        loads.stream().map(load -> String.valueOf(load.id())).toList()));
    assertThat(Files.exists(root.resolve("archive/partner/bucket/a.csv"))).isTrue();
    assertThat(keys("incoming", "landing/")).containsExactly("landing/elsewhere/c.csv");

    Ingestion.Report again =
        new Ingestion(platform.spark(), config, ledger, LandingStores.open(config), line -> {})
            .run(config.feeds());
    assertThat(again.discovered()).isZero();
  }

  @Test
  void archiveAndErrorPrefixesOnS3KeepEveryFileAndAFailedOneCanGoBack() {
    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("s3-moved-it");
    AdlakeConfig config =
        configFor(
            platform,
            root,
            "s3a://incoming/moved-landing",
            Map.ofEntries(
                Map.entry("ingest.archive-path", "s3a://kept/archive"),
                Map.entry("ingest.error-path", "s3a://kept/error/"),
                Map.entry("feeds.moved.prefix", "partner/moved/"),
                Map.entry("feeds.moved.format", "csv"),
                Map.entry("feeds.moved.schema", "id int not null"),
                Map.entry("feeds.moved.table", "it_s3.partner__moved")));
    client.createBucket(request -> request.bucket("kept"));
    client.putObject(
        request -> request.bucket("incoming").key("moved-landing/partner/moved/good.csv"),
        RequestBody.fromString("id\n1\n2\n"));
    client.putObject(
        request -> request.bucket("incoming").key("moved-landing/partner/moved/bad.csv"),
        RequestBody.fromString("id\nx\ny\n"));
    JdbcLoadLedger ledger = new JdbcLoadLedger(platform.metadata().dataSource());
    LandingStore landing = LandingStores.open(config);

    Ingestion.Report report =
        new Ingestion(platform.spark(), config, ledger, landing, line -> {}).run(config.feeds());
    // A new version of the loaded file: loaded again, archived beside the first.
    client.putObject(
        request -> request.bucket("incoming").key("moved-landing/partner/moved/good.csv"),
        RequestBody.fromString("id\n1\n2\n3\n"));
    Ingestion.Report second =
        new Ingestion(platform.spark(), config, ledger, landing, line -> {}).run(config.feeds());

    assertThat(report.archived()).isEqualTo(1);
    assertThat(report.errored()).isEqualTo(1);
    assertThat(second.archived()).isEqualTo(1);
    assertThat(platform.spark().table("it_s3.partner__moved").count()).isEqualTo(3);
    assertThat(keys("kept", ""))
        .hasSize(3)
        .contains("archive/partner/moved/good.csv", "error/partner/moved/bad.csv")
        .anyMatch(key -> key.startsWith("archive/partner/moved/good.csv.load-"));
    assertThat(keys("incoming", "moved-landing/")).isEmpty();
    Load failed =
        ledger
            .list(Optional.of(LoadStatus.ERRORED), Optional.of("moved"), Optional.empty(), 10)
            .get(0);
    assertThat(failed.storedKey()).contains("s3a://kept/error/partner/moved/bad.csv");

    // What `adlake loads --retry` does: the failed file goes back to its landing key.
    assertThat(landing.isStored(failed.storedKey().get())).isTrue();
    landing.restore(failed.storedKey().get(), failed.objectKey());
    assertThat(landing.exists("partner/moved/bad.csv")).isTrue();
    assertThat(landing.isStored(failed.storedKey().get())).isFalse();
  }

  @Test
  void aPartnersBucketOnS3IsCopiedToTheLandingZoneOnceAndLeftAsItWas() throws Exception {
    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("s3-partner-bucket-it");
    AdlakeConfig config =
        configFor(
            platform,
            root,
            root.resolve("landing").toString(),
            Map.of("partners.sharethis-bucket", "s3a://partner/sharethis"));
    client.createBucket(request -> request.bucket("partner"));
    String first = "sharethis/" + RawCopyJob.SOURCE_PREFIX + "2026/11/01/00/part-00000.tsv.gz";
    String second = "sharethis/" + RawCopyJob.SOURCE_PREFIX + "2026/11/01/01/part-00000.tsv.gz";
    client.putObject(
        request -> request.bucket("partner").key(first), RequestBody.fromString("first"));
    client.putObject(
        request -> request.bucket("partner").key(second), RequestBody.fromString("second file"));
    JdbcLoadLedger ledger = new JdbcLoadLedger(platform.metadata().dataSource());
    LandingStore bucket = LandingStores.open(config.partners().sharethisBucket(), config.lake());
    LandingStore landing = LandingStores.open(config);
    try {
      RawCopyJob.Report report = RawCopyJob.copy(ledger, bucket, landing, line -> {});
      RawCopyJob.Report again = RawCopyJob.copy(ledger, bucket, landing, line -> {});

      assertThat(report.copied()).isEqualTo(2);
      assertThat(report.bytes()).isEqualTo("first".length() + "second file".length());
      assertThat(again.copied()).isZero();
      Path landed = root.resolve("landing").resolve(RawCopyJob.LANDING_PREFIX);
      assertThat(
              Files.readString(
                  landed.resolve(RawCopyJob.SOURCE_PREFIX + "2026/11/01/00/part-00000.tsv.gz")))
          .isEqualTo("first");
      assertThat(
              Files.readString(
                  landed.resolve(RawCopyJob.SOURCE_PREFIX + "2026/11/01/01/part-00000.tsv.gz")))
          .isEqualTo("second file");
      assertThat(keys("partner", "")).containsExactly(first, second);
    } finally {
      LandingStores.close(bucket);
      LandingStores.close(landing);
    }
  }

  /** The keys under a prefix of a bucket of the test's server, sorted. */
  private static List<String> keys(String bucket, String prefix) {
    return client
        .listObjectsV2(request -> request.bucket(bucket).prefix(prefix))
        .contents()
        .stream()
        .map(object -> object.key())
        .sorted()
        .toList();
  }

  /**
   * Gives the shared session the S3A settings a session started with this configuration has (the
   * landing bucket's), as {@code LakeSession} sets them.
   */
  private static void sessionFor(Platform platform, AdlakeConfig config) {
    LakeSession.properties(config, platform.metadata()).entrySet().stream()
        .filter(entry -> entry.getKey().startsWith("spark.hadoop.fs.s3a.bucket."))
        .forEach(
            entry ->
                platform
                    .spark()
                    .sparkContext()
                    .hadoopConfiguration()
                    .set(entry.getKey().substring("spark.hadoop.".length()), entry.getValue()));
  }

  /**
   * A configuration with an S3 landing zone on the test's server, reached with the lake's S3
   * settings, and the shared session given the S3A settings a session of it has.
   */
  private static AdlakeConfig configFor(
      Platform platform, Path root, String landing, Map<String, String> more) {
    Map<String, String> overrides = new java.util.HashMap<>(more);
    overrides.putAll(
        Map.of(
            "landing.path", landing,
            "lake.s3.endpoint", endpoint,
            "lake.s3.path-style-access", "true",
            "lake.s3.access-key-id", "k",
            "lake.s3.secret-access-key", "s"));
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(platform.config().home()),
                Optional.empty(),
                Map.of(),
                overrides,
                root));
    sessionFor(platform, config);
    return config;
  }
}
