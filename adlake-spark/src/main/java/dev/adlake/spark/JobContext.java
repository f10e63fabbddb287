package dev.adlake.spark;

import dev.adlake.core.config.AdlakeConfig;
import org.apache.spark.sql.SparkSession;

/** What a running Spark job is given: the session, the configuration and its run id. */
public record JobContext(SparkSession spark, AdlakeConfig config, long runId) {}
