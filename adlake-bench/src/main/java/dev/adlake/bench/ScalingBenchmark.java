package dev.adlake.bench;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.KafkaConfig;
import dev.adlake.core.config.MetadataConfig;
import dev.adlake.core.config.SparkConfig;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.spark.Platform;
import dev.adlake.spark.cluster.StandaloneCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Whether the jobs parallelise: file ingestion, the hourly rollup, the stream enricher and the
 * identity graph's full recompute, each timed by its own benchmark at {@code local[1]}, {@code
 * local[2]} and on a Spark standalone cluster of two one-core workers (separate JVMs, adlake on the
 * executors from the job jar), one Spark application after the other on the same PostgreSQL and
 * Kafka. The figure of each is its throughput; the speed-up is against {@code local[1]}.
 */
public final class ScalingBenchmark {
  /** The cluster's name among the modes. */
  public static final String CLUSTER = "cluster";

  public static final String INGESTION = "ingestion";
  public static final String ROLLUP = "hourly rollup";
  public static final String ENRICHER = "enricher";
  public static final String IDENTITY = "identity graph";

  /** The workloads, in the order they run and are reported. */
  public static final List<String> WORKLOADS = List.of(INGESTION, ROLLUP, ENRICHER, IDENTITY);

  /**
   * @param events impressions of the generated day (ingestion, rollup)
   * @param streamEvents events of the enricher's backlog
   * @param ids about how many ids the identity graph has
   * @param runs timed runs of each workload in each mode (medians)
   * @param modes {@code local[N]} masters and {@value #CLUSTER}
   * @param sparkJars a Spark installation's jars, for the cluster
   * @param workDirectory where generated data and the cluster go
   */
  public record Options(
      long events,
      long streamEvents,
      long ids,
      int runs,
      List<String> modes,
      List<Path> sparkJars,
      Path workDirectory) {
    public Options {
      requireNonNull(workDirectory, "workDirectory is null");
      modes = List.copyOf(modes);
      sparkJars = List.copyOf(sparkJars);
    }
  }

  /** A workload's median throughput in one mode. */
  public record Figure(String workload, String mode, double perSecond, String unit) {}

  /** Every figure, by workload then mode in the order run. */
  public record Result(List<Figure> figures) {
    /** The throughput of a workload in a mode, or empty when it was not run. */
    public Optional<Double> of(String workload, String mode) {
      return figures.stream()
          .filter(figure -> figure.workload().equals(workload) && figure.mode().equals(mode))
          .map(Figure::perSecond)
          .findFirst();
    }

    /** The unit of a workload's figures. */
    public String unit(String workload) {
      return figures.stream()
          .filter(figure -> figure.workload().equals(workload))
          .map(Figure::unit)
          .findFirst()
          .orElse("");
    }
  }

  private ScalingBenchmark() {}

  /**
   * Runs every workload in every mode.
   *
   * @param base the platform whose PostgreSQL and Kafka every mode shares
   * @param pseudonymKey the enricher's key
   */
  public static Result run(
      Platform base, String pseudonymKey, Options options, Consumer<String> log) {
    List<Figure> figures = new ArrayList<>();
    StandaloneCluster cluster = null;
    try {
      for (String mode : options.modes()) {
        String master;
        if (mode.equals(CLUSTER)) {
          cluster =
              StandaloneCluster.start(
                  new StandaloneCluster.Shape(
                      options.workDirectory().resolve("bench-scaling").resolve("cluster"),
                      options.sparkJars(),
                      2,
                      1,
                      "4g"),
                  log);
          master = cluster.masterUrl();
        } else {
          master = mode;
        }
        log.accept("== %s (%s)".formatted(mode, master));
        try (Platform platform = new Platform(modeConfig(base, master), line -> {})) {
          figures.addAll(measure(platform, pseudonymKey, mode, options, log));
        }
        if (cluster != null) {
          cluster.close();
          cluster = null;
        }
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    return new Result(figures);
  }

  private static List<Figure> measure(
      Platform platform, String pseudonymKey, String mode, Options options, Consumer<String> log) {
    Consumer<String> indented = line -> log.accept("  " + line);
    List<Figure> figures = new ArrayList<>();

    IngestBenchmark.Result ingest =
        IngestBenchmark.run(
            platform,
            new IngestBenchmark.Options(
                options.events(), options.runs(), options.workDirectory(), 0),
            indented);
    figures.add(report(log, INGESTION, mode, ingest.oursMedian(), "rows/s"));

    RollupBenchmark.Result rollup =
        RollupBenchmark.run(
            platform.spark(),
            new RollupBenchmark.Options(
                options.events(),
                options.runs(),
                GeneratorOptions.DEFAULT_SEED,
                options.workDirectory()),
            indented);
    figures.add(
        report(
            log,
            ROLLUP,
            mode,
            rollup.eventRows() / rollup.median(RollupBenchmark.ADLAKE),
            "rows/s"));

    AdlakeConfig config = platform.config();
    EnrichBenchmark.Result enrich =
        EnrichBenchmark.run(
            platform.spark(),
            platform.kafkaBootstrapServers(),
            new EnrichBenchmark.Options(
                options.streamEvents(),
                options.runs(),
                0,
                0,
                Duration.ofSeconds(config.enrich().triggerSeconds()),
                config.enrich().maxEventsPerBatch(),
                pseudonymKey,
                options.workDirectory()),
            indented);
    figures.add(report(log, ENRICHER, mode, enrich.median(), "events/s"));

    IdentityBenchmark.Result identity =
        IdentityBenchmark.run(
            platform.spark(),
            new IdentityBenchmark.Options(
                options.ids(), options.runs(), 1000, GeneratorOptions.DEFAULT_SEED),
            indented);
    figures.add(report(log, IDENTITY, mode, identity.links() / identity.fullMedian(), "links/s"));
    return figures;
  }

  private static Figure report(
      Consumer<String> log, String workload, String mode, double perSecond, String unit) {
    log.accept("%s at %s: median %,.0f %s".formatted(workload, mode, perSecond, unit));
    return new Figure(workload, mode, perSecond, unit);
  }

  /** The base configuration on the base platform's PostgreSQL and Kafka, with another master. */
  private static AdlakeConfig modeConfig(Platform base, String master) {
    AdlakeConfig config = base.config();
    Map<String, String> properties = new LinkedHashMap<>(config.spark().properties());
    if (!master.startsWith("local")) {
      properties.putIfAbsent("spark.driver.host", "127.0.0.1");
      properties.putIfAbsent("spark.executor.memory", "3g");
    }
    return config
        .withServices(
            new MetadataConfig(
                Optional.of(base.metadata().jdbcUrl()),
                base.metadata().user(),
                base.metadata().password(),
                config.metadata().poolSize(),
                config.metadata().embeddedPort()),
            new KafkaConfig(
                Optional.of(List.of(base.kafkaBootstrapServers().split(","))),
                config.kafka().embeddedPort()))
        .withSpark(
            new SparkConfig(
                master, config.spark().shufflePartitions(), config.spark().jobJar(), properties));
  }
}
