package dev.adlake.core.config;

import dev.adlake.core.NotFoundException;
import dev.adlake.core.feed.Feed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole validated configuration of one adlake process, one typed record per component.
 *
 * <p>Built by {@link ConfigLoader}; precedence is command-line flag, then environment, then the
 * file, then the default.
 */
public record AdlakeConfig(
    Path home,
    Path configFile,
    MetadataConfig metadata,
    LakeConfig lake,
    KafkaConfig kafka,
    SparkConfig spark,
    LandingConfig landing,
    IngestConfig ingest,
    MetricsConfig metrics,
    EnrichConfig enrich,
    ArchiveConfig archive,
    ServerConfig server,
    MapperConfig mapper,
    ClassificationConfig classification,
    PartnersConfig partners,
    List<Feed> feeds,
    SchedulerConfig scheduler,
    MaintenanceConfig maintenance,
    ConfigValues values) {

  /** This configuration on other PostgreSQL and Kafka services. */
  public AdlakeConfig withServices(MetadataConfig metadata, KafkaConfig kafka) {
    return with(metadata, kafka, spark, landing, ingest, feeds);
  }

  /** This configuration with other Spark settings. */
  public AdlakeConfig withSpark(SparkConfig spark) {
    return with(metadata, kafka, spark, landing, ingest, feeds);
  }

  /** This configuration with another landing zone, ingestion settings and feeds. */
  public AdlakeConfig withIngestion(LandingConfig landing, IngestConfig ingest, List<Feed> feeds) {
    return with(metadata, kafka, spark, landing, ingest, feeds);
  }

  private AdlakeConfig with(
      MetadataConfig metadata,
      KafkaConfig kafka,
      SparkConfig spark,
      LandingConfig landing,
      IngestConfig ingest,
      List<Feed> feeds) {
    return new AdlakeConfig(
        home,
        configFile,
        metadata,
        lake,
        kafka,
        spark,
        landing,
        ingest,
        metrics,
        enrich,
        archive,
        server,
        mapper,
        classification,
        partners,
        feeds,
        scheduler,
        maintenance,
        values);
  }

  /** Every declared key, grouped by component, in the order the reference lists them. */
  public static List<ConfigKey<?>> declaredKeys() {
    List<ConfigKey<?>> keys = new ArrayList<>();
    keys.addAll(MetadataConfig.keys());
    keys.addAll(LakeConfig.keys());
    keys.addAll(LandingConfig.keys());
    keys.addAll(IngestConfig.keys());
    keys.addAll(MetricsConfig.keys());
    keys.addAll(EnrichConfig.keys());
    keys.addAll(ArchiveConfig.keys());
    keys.addAll(ServerConfig.keys());
    keys.addAll(MapperConfig.keys());
    keys.addAll(ClassificationConfig.keys());
    keys.addAll(PartnersConfig.keys());
    keys.addAll(FlywheelConfig.keys());
    keys.addAll(MonitoringConfig.keys());
    keys.addAll(EncryptionConfig.keys());
    keys.addAll(SchedulerConfig.keys());
    keys.addAll(MaintenanceConfig.keys());
    keys.addAll(KafkaConfig.keys());
    keys.addAll(SparkConfig.keys());
    return List.copyOf(keys);
  }

  static AdlakeConfig from(
      Path home,
      Path configFile,
      ConfigValues values,
      List<Feed> feeds,
      SchedulerConfig scheduler,
      MaintenanceConfig maintenance) {
    return new AdlakeConfig(
        home,
        configFile,
        MetadataConfig.from(values),
        LakeConfig.from(values),
        KafkaConfig.from(values),
        SparkConfig.from(values),
        LandingConfig.from(values),
        IngestConfig.from(values),
        MetricsConfig.from(values),
        EnrichConfig.from(values),
        ArchiveConfig.from(values),
        ServerConfig.from(values),
        MapperConfig.from(values),
        ClassificationConfig.from(values),
        PartnersConfig.from(values, home),
        List.copyOf(feeds),
        scheduler,
        maintenance,
        values);
  }

  /** The feed of that name. */
  public Feed feed(String name) {
    return feeds.stream()
        .filter(feed -> feed.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new NotFoundException(
                    "No feed named '%s'; feeds: %s"
                        .formatted(
                            name, String.join(", ", feeds.stream().map(Feed::name).toList()))));
  }

  /** The embedded PostgreSQL data directory. */
  public Path postgresDirectory() {
    return home.resolve("postgres");
  }

  /**
   * Secrets adlake makes for this home (the embedded PostgreSQL's password, the pseudonym key),
   * readable by the owner only.
   */
  public Path secretsDirectory() {
    return home.resolve("secrets");
  }

  /** The embedded PostgreSQL's password, generated on its first start. */
  public Path postgresPasswordFile() {
    return secretsDirectory().resolve("postgres-password");
  }

  /** The embedded Kafka broker's log directory. */
  public Path kafkaDirectory() {
    return home.resolve("kafka");
  }

  /** Where log files are written. */
  public Path logDirectory() {
    return home.resolve("logs");
  }

  /** Scratch space for Spark and extracted binaries, kept under the home, never in /tmp. */
  public Path workDirectory() {
    return home.resolve("work");
  }

  /**
   * Where the generator keeps the partners' own buckets (ShareThis delivers there, not into our
   * landing zone), one folder per partner.
   */
  public Path partnerBucketsDirectory() {
    return home.resolve("partners");
  }

  /** Where the generator writes the true answers for the data it lands. */
  public Path expectedDirectory() {
    return home.resolve("expected");
  }
}
