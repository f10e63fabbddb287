package dev.adlake.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.robothy.s3.rest.LocalS3;
import com.robothy.s3.rest.bootstrap.LocalS3Mode;
import dev.adlake.cli.AdlakeCommand;
import dev.adlake.core.Folders;
import dev.adlake.core.LoopbackPorts;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.spark.Platform;
import dev.adlake.spark.cluster.StandaloneCluster;
import dev.adlake.spark.common.S3Clients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * adlake on a real Spark standalone cluster: a master and two workers of one core, each its own JVM
 * on the jars of a Spark installation (adlake-spark-dist), executors that get adlake only from the
 * job jar, and the warehouse and the enricher's checkpoint on S3 (LocalS3). The drivers are real
 * {@code adlake} processes, as a user runs them.
 */
class ClusterIT {
  private static final String BUCKET = "cluster-lake";
  private static final String ACCESS_KEY = "cluster-access";
  private static final String SECRET_KEY = "cluster-secret";

  private static LocalS3 s3;
  private static Platform platform;
  private static StandaloneCluster cluster;
  private static Path home;
  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    home = Path.of("target", "cluster-it").toAbsolutePath();
    Folders.delete(home);
    Files.createDirectories(home);
    int port = LoopbackPorts.free();
    s3 = LocalS3.builder().port(port).mode(LocalS3Mode.IN_MEMORY).build();
    s3.start();
    String endpoint = "http://127.0.0.1:" + port;
    try (S3Client client = S3Clients.of(java.net.URI.create(endpoint), ACCESS_KEY, SECRET_KEY)) {
      client.createBucket(request -> request.bucket(BUCKET));
    }
    Map<String, String> lake =
        Map.of(
            "lake.warehouse", "s3a://" + BUCKET + "/warehouse",
            "lake.s3.endpoint", endpoint,
            "lake.s3.path-style-access", "true",
            "lake.s3.access-key-id", ACCESS_KEY,
            "lake.s3.secret-access-key", SECRET_KEY);

    // The test's own platform: PostgreSQL and Kafka for every process, and a local Spark that reads
    // the same catalog and bucket to check the results.
    Map<String, String> local = new java.util.HashMap<>(lake);
    local.put("spark.master", "local[2]");
    local.put("spark.shuffle-partitions", "4");
    AdlakeConfig testConfig =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(home.resolve("checker")),
                Optional.empty(),
                Map.of(),
                local,
                Path.of("").toAbsolutePath()));
    platform = new Platform(testConfig, line -> {});

    cluster =
        StandaloneCluster.start(
            new StandaloneCluster.Shape(
                home.resolve("cluster"),
                StandaloneCluster.installedSparkJars("ClusterIT"),
                2,
                1,
                "2g"),
            line -> {});

    config = home.resolve("adlake.yaml");
    Files.writeString(
        config,
        """
        metadata:
          jdbc-url: "%s"
          password: "%s"
        kafka:
          bootstrap-servers: "%s"
        spark:
          master: "%s"
          shuffle-partitions: 4
          job-jar: "%s"
          conf:
            spark.driver.host: 127.0.0.1
            spark.executor.memory: 1500m
        lake:
          warehouse: "s3a://%s/warehouse"
          s3:
            endpoint: "%s"
            path-style-access: true
            access-key-id: "%s"
            secret-access-key: "%s"
        enrich:
          pseudonym-key: "a-cluster-test-key-long-enough"
          trigger-seconds: 1
          max-events-per-batch: 10000
        """
            .formatted(
                platform.metadata().jdbcUrl(),
                platform.metadata().password().orElseThrow(),
                platform.kafkaBootstrapServers(),
                cluster.masterUrl(),
                System.getProperty("adlake.job-jar"),
                BUCKET,
                endpoint,
                ACCESS_KEY,
                SECRET_KEY));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (platform != null) {
      platform.close();
    }
    if (s3 != null) {
      s3.shutdown();
    }
  }

  @Test
  void theWholePipelineOnTheClusterEqualsTheTruthAndAJobRunsThroughSparkSubmit() throws Exception {
    // Ingestion, the enricher, the identity graph and the hourly metrics: the quickstart checks
    // each against the generator's true answers and ends 1 on any difference.
    Path quickstartLog = home.resolve("quickstart.log");
    Process quickstart =
        adlake(
            quickstartLog,
            "quickstart",
            "--no-serve",
            "--events",
            "20000",
            "--stream-minutes",
            "1",
            // A twelfth of the partners' browsing: the domain classification and the enricher's
            // page views cost the most on two cores, and AdlakeCommandIT checks them locally.
            "--page-views",
            "20000");
    assertThat(quickstart.waitFor(15, TimeUnit.MINUTES)).as("quickstart finished").isTrue();
    String output = Files.readString(quickstartLog);
    assertThat(quickstart.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("Starting Spark (" + cluster.masterUrl() + ")")
        .contains("impressions per ad and hour:")
        .containsPattern("archive of the topics in s3a://" + BUCKET + "/warehouse/archive:")
        .containsPattern("archived [1-9][\\d,]* record\\(s\\)")
        .doesNotContain("first differences");

    // One job through spark-submit, a full recompute of the identity graph: the driver has only
    // Spark's jars and the job jar.
    Path submitLog = home.resolve("submit.log");
    Process submit = adlake(submitLog, "submit", "user-ids-mapper", "-p", "recompute=true");
    assertThat(submit.waitFor(5, TimeUnit.MINUTES)).as("submit finished").isTrue();
    String submitted = Files.readString(submitLog);
    assertThat(submit.exitValue()).as(submitted).isZero();
    assertThat(submitted)
        .contains("spark-submit --master " + cluster.masterUrl())
        .containsPattern(
            "Run \\d+ of user-ids-mapper succeeded in [\\d.]+ s: [\\d,]+ rows in, [1-9][\\d,]* out")
        .contains("spark-submit ended: user-ids-mapper succeeded");
    // A killed enricher resuming from its checkpoint is EnrichProcessIT's (locally): here it took
    // three more minutes of a CI run that must stay under 45.
  }

  /** A real adlake process with the cluster's configuration; its output goes to a log file. */
  private static Process adlake(Path log, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("@" + Path.of("..", "jvm.options").toAbsolutePath().normalize());
    command.add("-Xmx2g");
    command.add(
        "-D%s=%s"
            .formatted(
                StandaloneCluster.SPARK_CLASSPATH_PROPERTY,
                System.getProperty(StandaloneCluster.SPARK_CLASSPATH_PROPERTY)));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AdlakeCommand.class.getName());
    command.addAll(
        List.of("--home", home.resolve("home").toString(), "--config", config.toString()));
    command.addAll(List.of(arguments));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}
