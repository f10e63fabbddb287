package dev.adlake.spark;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.stream.KafkaServers;
import dev.adlake.core.table.TableCatalog;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * What a running Spark job is given: the session, the configuration, the metadata store, Kafka's
 * bootstrap servers (started on first use), the table catalog, its run id and its progress sink.
 */
public record SparkJobContext(
    SparkSession spark,
    AdlakeConfig config,
    MetadataStore metadata,
    Supplier<String> kafkaBootstrapServers,
    TableCatalog tables,
    long runId,
    Consumer<String> progress) {

  /** The Spark view of a run's context: its services by type. */
  public static SparkJobContext of(JobContext context) {
    return new SparkJobContext(
        context.service(SparkSession.class),
        context.service(AdlakeConfig.class),
        context.service(MetadataStore.class),
        () -> context.service(KafkaServers.class).bootstrapServers(),
        context.service(TableCatalog.class),
        context.runId(),
        context.progress());
  }
}
