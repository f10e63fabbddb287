package dev.adlake.spark;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.metadata.MetadataStore;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * What a running Spark job is given: the session, the configuration, the metadata store, Kafka's
 * bootstrap servers (started on first use) and its run id.
 */
public record JobContext(
    SparkSession spark,
    AdlakeConfig config,
    MetadataStore metadata,
    Supplier<String> kafkaBootstrapServers,
    long runId) {}
