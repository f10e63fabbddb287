package dev.adlake.spark;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.anomaly.AlertNotifier;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.MonitoringConfig;
import dev.adlake.core.job.JobCatalog;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.job.Services;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.LoadLedger;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.JdbcBackfills;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.JdbcRunLedger;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.metadata.RunLedger;
import dev.adlake.core.run.BackfillRunner;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.run.PipelineExecutor;
import dev.adlake.core.stream.KafkaServers;
import dev.adlake.core.table.ServingSchemaCheck;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.kafka.EmbeddedKafkaBroker;
import dev.adlake.kafka.KafkaJobs;
import dev.adlake.kafka.archive.ArchiveStore;
import dev.adlake.kafka.archive.ArchiveStores;
import dev.adlake.spark.common.S3ArchiveStore;
import dev.adlake.spark.monitoring.AlertNotifiers;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * The running services of one adlake process, started on first use: PostgreSQL (embedded unless a
 * JDBC URL is configured), Spark with the lake catalog, and Kafka (embedded unless bootstrap
 * servers are configured); the catalog of every job, and what runs them: the job runner, the
 * pipeline and backfills. Jobs reach the services by type ({@link Services}), so a job that needs
 * no Spark starts none. Closing stops what this process started, in reverse order.
 */
public final class Platform implements AutoCloseable, Services {
  private final AdlakeConfig config;
  private final Consumer<String> status;
  private final JobCatalog jobs;
  private final TableCatalog tables;
  private JobRunner runner;
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
    this.tables = PlatformTables.catalog(config);
    this.jobs = catalog(config, tables);
  }

  /** Every lake and serving table, declared once. */
  public TableCatalog tables() {
    return tables;
  }

  /**
   * Every job of the platform: the Spark jobs and those on Kafka clients, in one catalog, so that a
   * name is taken once and a job is in one domain; a job policy of configuration naming no job is
   * refused.
   */
  public static JobCatalog catalog(AdlakeConfig config) {
    return catalog(config, PlatformTables.catalog(config));
  }

  private static JobCatalog catalog(AdlakeConfig config, TableCatalog tables) {
    JobCatalog catalog =
        new JobCatalog().addAll(SparkJobs.all(config)).addAll(KafkaJobs.all(config));
    List<String> unknown =
        config.scheduler().policies().keySet().stream()
            .filter(name -> catalog.find(name).isEmpty())
            .map(name -> "jobs." + name)
            .toList();
    List<String> undeclared = tables.undeclared(catalog.definitions());
    if (!undeclared.isEmpty()) {
      throw new AdlakeException(
          ErrorCategory.INTERNAL_ERROR,
          "Cannot build the job catalog: " + String.join("; ", undeclared));
    }
    if (!unknown.isEmpty()) {
      throw new InvalidInputException(
          "Cannot apply %s: no such job; jobs: %s"
              .formatted(
                  String.join(", ", unknown),
                  String.join(
                      ", ", catalog.definitions().stream().map(JobDefinition::name).toList())));
    }
    return catalog;
  }

  public AdlakeConfig config() {
    return config;
  }

  public JobCatalog jobs() {
    return jobs;
  }

  @Override
  public <T> T get(Class<T> type) {
    Object service;
    if (type == SparkSession.class) {
      service = spark();
    } else if (type == MetadataStore.class) {
      service = metadata();
    } else if (type == AdlakeConfig.class) {
      service = config;
    } else if (type == TableCatalog.class) {
      service = tables;
    } else if (type == JobCatalog.class) {
      service = jobs;
    } else if (type == AlertNotifier.class) {
      service = AlertNotifiers.of(MonitoringConfig.of(config));
    } else if (type == KafkaServers.class) {
      service = new KafkaServers(kafkaBootstrapServers());
    } else if (type == ArchiveStores.class) {
      service = (ArchiveStores) this::archiveStore;
    } else {
      throw new NotFoundException(
          "No service of type %s in adlake".formatted(type.getSimpleName()));
    }
    return type.cast(service);
  }

  /** The Kafka archive's store at a location: a local folder, or S3 with the lake's settings. */
  private ArchiveStore archiveStore(URI location) {
    if ("s3a".equals(location.getScheme())) {
      return new S3ArchiveStore(
          location,
          config.lake(),
          config.home().resolve("staging").resolve("kafka-archive"),
          new JdbcLocks(metadata().dataSource()));
    }
    return ArchiveStores.local().open(location);
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
                config.metadata().embeddedPort(),
                config.postgresPasswordFile());
        jdbcUrl = postgres.jdbcUrl();
      } else {
        jdbcUrl = config.metadata().jdbcUrl().orElseThrow();
        status.accept("Connecting to PostgreSQL at " + jdbcUrl);
      }
      String user =
          config.metadata().embedded() ? EmbeddedPostgresServer.USER : config.metadata().user();
      Optional<String> password =
          config.metadata().embedded()
              ? Optional.of(postgres.password())
              : config.metadata().password();
      metadata = MetadataStore.open(jdbcUrl, user, password, config.metadata().poolSize());
      int abandoned = new JdbcRunLedger(metadata.dataSource()).failAbandoned();
      new JdbcPipelineRuns(metadata.dataSource()).failAbandoned();
      ServingSchemaCheck.check(metadata.dataSource(), tables.all());
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

  /** Runs a job of the catalog with the given parameters, recorded in the run ledger. */
  public JobRunner.Outcome run(String jobName, Map<String, String> parameters) {
    return run(jobName, parameters, line -> {});
  }

  /**
   * Runs a job of the catalog under its policy (retries, timeout, concurrency cap), each attempt
   * recorded in the run ledger, a line per step to {@code progress}.
   */
  public JobRunner.Outcome run(
      String jobName, Map<String, String> parameters, Consumer<String> progress) {
    return runner().run(jobs.get(jobName), parameters, progress);
  }

  /** The runner of this platform's jobs: their policies from configuration, caps in PostgreSQL. */
  public synchronized JobRunner runner() {
    if (runner == null) {
      runner =
          new JobRunner(
              runs(),
              this,
              config.scheduler()::policy,
              Optional.of(new JdbcLocks(metadata().dataSource())));
    }
    return runner;
  }

  /** Every job in the order its declared datasets imply. */
  public Pipeline pipeline() {
    return Pipeline.of(jobs.definitions());
  }

  /** Runs pipelines, {@code pipeline.parallelism} jobs at once, deadlines raising alerts. */
  public PipelineExecutor pipelineExecutor() {
    return new PipelineExecutor(
        jobs,
        runner(),
        new JdbcPipelineRuns(metadata().dataSource()),
        Optional.of(new JdbcAlerts(metadata().dataSource())),
        config.scheduler().parallelism());
  }

  public BackfillRunner backfills() {
    return new BackfillRunner(
        jobs,
        runner(),
        runs(),
        new JdbcBackfills(metadata().dataSource()),
        new JdbcLocks(metadata().dataSource()));
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
