package dev.adlake.spark.ingestion.enrich;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.PseudonymKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;

/**
 * The enricher as a job of the registry: runs {@link EnricherStream} with the configured
 * enrichments until stopped (Ctrl-C stops it between batches), or, with {@code once}, over what the
 * topics hold now. Its checkpoint lives under the home folder, so a restart resumes where it was.
 */
public final class EnricherJob implements SparkJob {
  public static final String NAME = "enricher";

  public static final JobParameter<Boolean> ONCE =
      JobParameter.optional(
          "once", ValueType.bool(), "false", "Enrich what the topics hold now, then stop");

  private final JobDefinition definition;

  public EnricherJob() {
    List<Dataset> writes = new ArrayList<>();
    writes.add(Dataset.table(EventsTables.DEFAULT.events()));
    writes.add(Dataset.table(EventsTables.DEFAULT.mappings()));
    writes.add(Dataset.table(EventsTables.DEFAULT.failedEvents()));
    StreamTopics.ENRICHED_SOURCES.forEach(
        source -> writes.add(Dataset.topic(StreamTopics.enriched(source))));
    writes.add(Dataset.topic(StreamTopics.enriched(StreamTopics.MAPPING)));
    writes.add(Dataset.topic(StreamTopics.FAILED_EVENTS));
    List<Dataset> reads = new ArrayList<>();
    StreamTopics.ENRICHED_SOURCES.forEach(
        source -> reads.add(Dataset.topic(StreamTopics.ingested(source))));
    reads.add(Dataset.topic(StreamTopics.ingested(StreamTopics.MAPPING)));
    this.definition =
        new JobDefinition(
            NAME,
            Domain.INGESTION,
            JobKind.STREAMING,
            "Enriches the ingested-<source> topics (geography, user agent, URLs, deduplication,"
                + " pseudonymised ids) into the events table, exactly once, and enriched topics",
            reads,
            writes,
            List.of(ONCE));
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  /** The enricher's settings from the configuration. */
  public static EnricherStream.Settings settings(
      AdlakeConfig config, String bootstrapServers, boolean once) {
    var enrich = config.enrich();
    return new EnricherStream.Settings(
        bootstrapServers,
        "",
        EventsTables.DEFAULT,
        checkpoint(config),
        enrichmentOptions(config),
        Duration.ofMinutes(enrich.dedupeWindowMinutes()),
        enrich.maxEventsPerBatch(),
        Duration.ofSeconds(enrich.triggerSeconds()),
        once);
  }

  /** The enrichments the configuration turns on; asks for the pseudonym key when it needs one. */
  public static EnrichmentOptions enrichmentOptions(AdlakeConfig config) {
    var enrich = config.enrich();
    return new EnrichmentOptions(
        enrich.geo(),
        enrich.geoDatabase().map(Path::toString).orElse(null),
        enrich.userAgent(),
        enrich.urls(),
        enrich.anonymizeIp(),
        enrich.pseudonymizeUserIds() ? PseudonymKey.pseudonymizer(config) : null);
  }

  /**
   * The checkpoint of the platform's enricher: offsets and deduplication state. Unless configured,
   * under the home with a local warehouse, and beside an S3 warehouse (where a cluster's executors
   * reach it).
   */
  public static URI checkpoint(AdlakeConfig config) {
    return config
        .enrich()
        .checkpoint()
        .orElseGet(
            () ->
                config.lake().onS3()
                    ? config.lake().underWarehouse("checkpoints/" + NAME)
                    : config
                        .home()
                        .resolve("streams")
                        .resolve("checkpoints")
                        .resolve(NAME)
                        .toUri());
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    String bootstrapServers = context.kafkaBootstrapServers().get();
    KafkaTopics.ensure(
        bootstrapServers,
        StreamTopics.ENRICHED_SOURCES.stream()
            .flatMap(
                source ->
                    List.of(StreamTopics.ingested(source), StreamTopics.enriched(source)).stream())
            .toList(),
        2);
    KafkaTopics.ensure(bootstrapServers, List.of(StreamTopics.FAILED_EVENTS), 2);
    EnricherStream.Settings settings =
        settings(context.config(), bootstrapServers, parameters.get(ONCE));
    StreamProgress counts = new StreamProgress(context.progress());
    StreamMeters meters = new StreamMeters();
    StreamingQuery query =
        EnricherStream.start(context.spark(), settings, Optional.of(counts.andThen(meters)));
    meters.follow(query.id());
    query.sparkSession().streams().addListener(meters);
    Thread stopper =
        new Thread(
            () -> {
              try {
                query.stop();
              } catch (java.util.concurrent.TimeoutException e) {
                // The process is ending anyway; the checkpoint resumes the batch.
              }
            },
            "enricher-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      throw new ExternalFailureException("The enricher failed: " + e.getMessage(), e);
    } finally {
      query.sparkSession().streams().removeListener(meters);
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // Stopped by the hook itself.
      }
    }
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("batches", counts.batches());
    figures.put("events", counts.events());
    figures.put("mappings", counts.mappings());
    figures.put("failed", counts.failed());
    long rows = counts.events() + counts.mappings() + counts.failed();
    return new JobResult(
        rows,
        rows,
        figures,
        Map.of("events", Unit.ROWS, "mappings", Unit.ROWS, "failed", Unit.ROWS));
  }
}
