package dev.adlake.spark;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.metadata.MetadataStore;
import org.apache.spark.sql.SparkSession;

/**
 * What a running Spark job is given: the session, the configuration, the metadata store and its run
 * id.
 */
public record JobContext(
    SparkSession spark, AdlakeConfig config, MetadataStore metadata, long runId) {}
