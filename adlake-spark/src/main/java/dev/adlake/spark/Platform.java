package dev.adlake.spark;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobRegistry;
import dev.adlake.core.job.JobRunner;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.LoadLedger;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.metadata.RunLedger;
import dev.adlake.kafka.EmbeddedKafkaBroker;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * The running services of one adlake process, started on first use: PostgreSQL (embedded unless a
 * JDBC URL is configured), Spark with the lake catalog, and Kafka (embedded unless bootstrap
 * servers are configured). Closing stops what this process started, in reverse order.
 */
public final class Platform implements AutoCloseable {
  private final AdlakeConfig config;
  private final Consumer<String> status;
  private final JobRegistry<SparkJob> jobs;
  private EmbeddedPostgresServer postgres;
  private MetadataStore metadata;
  private SparkSession spark;
  private EmbeddedKafkaBroker kafka;

  /**
   * @param status receives a line for each service started, for progress output
   */
  public Platform(AdlakeConfig config, Consumer<String> status) {
    this.config = requireNonNull(config, "config is null");
    this.status = requireNonNull(status, "status is null");
    this.jobs = SparkJobs.registry(config);
  }

  public AdlakeConfig config() {
    return config;
  }

  public JobRegistry<SparkJob> jobs() {
    return jobs;
  }

  /** The metadata database, migrated; starts the embedded PostgreSQL when none is configured. */
  public synchronized MetadataStore metadata() {
    if (metadata == null) {
      String jdbcUrl;
      if (config.metadata().embedded()) {
        status.accept("Starting PostgreSQL (embedded, data in " + config.postgresDirectory() + ")");
        postgres =
            EmbeddedPostgresServer.startOrAttach(
                config.postgresDirectory(),
                config.workDirectory().resolve("postgres-binaries"),
                config.logDirectory().resolve("postgres.log"),
                config.metadata().embeddedPort());
        jdbcUrl = postgres.jdbcUrl();
      } else {
        jdbcUrl = config.metadata().jdbcUrl().orElseThrow();
        status.accept("Connecting to PostgreSQL at " + jdbcUrl);
      }
      String user =
          config.metadata().embedded() ? EmbeddedPostgresServer.USER : config.metadata().user();
      metadata =
          MetadataStore.open(
              jdbcUrl, user, config.metadata().password(), config.metadata().poolSize());
      int abandoned = new JdbcRunLedger(metadata.dataSource()).failAbandoned();
      if (abandoned > 0) {
        status.accept(
            "Marked %d run(s) as failed: their process ended before they finished"
                .formatted(abandoned));
      }
    }
    return metadata;
  }

  public RunLedger runs() {
    return new JdbcRunLedger(metadata().dataSource());
  }

  public LoadLedger loads() {
    return new JdbcLoadLedger(metadata().dataSource());
  }

  /** Spark with the lake catalog; starts PostgreSQL first, since the catalog lives there. */
  public synchronized SparkSession spark() {
    if (spark == null) {
      MetadataStore store = metadata();
      status.accept("Starting Spark (" + config.spark().master() + ")");
      spark = LakeSession.start(config, store);
    }
    return spark;
  }

  /** Kafka's bootstrap servers; starts the embedded broker when none are configured. */
  public synchronized String kafkaBootstrapServers() {
    if (config.kafka().bootstrapServers().isPresent()) {
      return String.join(",", config.kafka().bootstrapServers().get());
    }
    if (kafka == null) {
      status.accept("Starting Kafka (embedded, logs in " + config.kafkaDirectory() + ")");
      kafka = EmbeddedKafkaBroker.start(config.kafkaDirectory(), config.kafka().embeddedPort());
    }
    return kafka.bootstrapServers();
  }

  /** Runs a registered job with the given parameters, recorded in the run ledger. */
  public JobRunner.Outcome run(String jobName, Map<String, String> parameters) {
    SparkJob job = jobs.get(jobName);
    JobParameters resolved = JobParameters.resolve(job.definition(), parameters);
    SparkSession session = spark();
    return new JobRunner(runs())
        .run(
            job.definition(),
            resolved,
            runId ->
                job.run(
                    new JobContext(session, config, metadata(), this::kafkaBootstrapServers, runId),
                    resolved));
  }

  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    if (spark != null) {
      try {
        spark.stop();
      } catch (RuntimeException e) {
        failure = e;
      }
      spark = null;
    }
    if (kafka != null) {
      try {
        kafka.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
      kafka = null;
    }
    if (metadata != null) {
      metadata.close();
      metadata = null;
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
      postgres = null;
    }
    if (failure != null) {
      throw failure;
    }
  }
}
