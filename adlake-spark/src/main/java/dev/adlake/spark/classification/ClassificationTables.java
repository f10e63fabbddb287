package dev.adlake.spark.classification;

import dev.adlake.core.config.ClassificationConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.spark.LakeTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The lake tables of the domain classification of one region, named as the design names them:
 *
 * <ul>
 *   <li>{@code domain_clusters_<region>}: each cluster of domains, its size, traffic and the words
 *       that weigh most in its centre;
 *   <li>{@code domain_clusters_mapping_iab_<region>}: each domain's cluster, with the scores that
 *       chose it (page words, audience);
 *   <li>{@code domain_clusters_labels_iab_<region>}: each cluster's IAB category, voted by the
 *       labelled domains in it, with the winning share;
 *   <li>{@code domain_categories_<region>}: the answer, one category per domain, with its
 *       confidence, the source that decided and every source's label.
 * </ul>
 */
public record ClassificationTables(String region) {
  public static final String NAMESPACE = "domains";

  public static final StructType CLUSTERS_SCHEMA =
      new StructType()
          .add("cluster_id", DataTypes.IntegerType, false)
          .add("seed_tier2_id", DataTypes.StringType, true)
          .add("domains", DataTypes.LongType, false)
          .add("page_views", DataTypes.LongType, false)
          .add("top_words", DataTypes.StringType, true);

  public static final StructType MAPPING_SCHEMA =
      new StructType()
          .add("domain", DataTypes.StringType, false)
          .add("cluster_id", DataTypes.IntegerType, false)
          .add("score", DataTypes.DoubleType, false)
          .add("word_score", DataTypes.DoubleType, false)
          .add("audience_share", DataTypes.DoubleType, false)
          .add("page_views", DataTypes.LongType, false)
          .add("visitors", DataTypes.LongType, false);

  public static final StructType LABELS_SCHEMA =
      new StructType()
          .add("cluster_id", DataTypes.IntegerType, false)
          .add("iab_tier1_id", DataTypes.StringType, false)
          .add("iab_tier2_id", DataTypes.StringType, false)
          .add("label_share", DataTypes.DoubleType, false)
          .add("labelled_domains", DataTypes.LongType, false);

  public static final StructType CATEGORIES_SCHEMA =
      new StructType()
          .add("domain", DataTypes.StringType, false)
          .add("iab_tier1_id", DataTypes.StringType, false)
          .add("iab_tier1_name", DataTypes.StringType, false)
          .add("iab_tier2_id", DataTypes.StringType, false)
          .add("iab_tier2_name", DataTypes.StringType, false)
          .add("confidence", DataTypes.DoubleType, false)
          .add("tier1_confidence", DataTypes.DoubleType, false)
          .add("source", DataTypes.StringType, false)
          .add("sources", DataTypes.IntegerType, false)
          .add("partner_tier2_id", DataTypes.StringType, true)
          .add("vendor_tier2_id", DataTypes.StringType, true)
          .add("cluster_tier2_id", DataTypes.StringType, true)
          .add("page_views", DataTypes.LongType, false)
          .add("classified_at", DataTypes.TimestampType, false);

  public String clusters() {
    return NAMESPACE + ".domain_clusters_" + region;
  }

  public String mapping() {
    return NAMESPACE + ".domain_clusters_mapping_iab_" + region;
  }

  public String labels() {
    return NAMESPACE + ".domain_clusters_labels_iab_" + region;
  }

  public String categories() {
    return NAMESPACE + ".domain_categories_" + region;
  }

  /** The tables of the clustering job. */
  public List<String> clusterOutputs() {
    return List.of(clusters(), mapping(), labels());
  }

  public List<TableDefinition> definitions() {
    return List.of(
        TableDefinition.lake(
            clusters(),
            Domain.DOMAIN_CLASSIFICATION,
            "Clusters of the %s region's domains by page words and shared audiences: size, page views, top words"
                .formatted(region),
            LakeTables.columns(CLUSTERS_SCHEMA)),
        TableDefinition.lake(
            mapping(),
            Domain.DOMAIN_CLASSIFICATION,
            "Each domain of the %s region with its cluster and the word and audience scores that chose it"
                .formatted(region),
            LakeTables.columns(MAPPING_SCHEMA)),
        TableDefinition.lake(
            labels(),
            Domain.DOMAIN_CLASSIFICATION,
            "Each cluster of the %s region with the IAB category its labelled domains vote for"
                .formatted(region),
            LakeTables.columns(LABELS_SCHEMA)),
        TableDefinition.lake(
            categories(),
            Domain.DOMAIN_CLASSIFICATION,
            "One IAB Content Taxonomy 3.1 category per domain of the %s region: Tier 1 and 2, confidence, deciding source"
                .formatted(region),
            LakeTables.columns(CATEGORIES_SCHEMA)));
  }

  /** The tables of every configured region. */
  public static List<TableDefinition> all(ClassificationConfig config) {
    List<TableDefinition> tables = new ArrayList<>();
    config
        .regions()
        .keySet()
        .forEach(region -> tables.addAll(new ClassificationTables(region).definitions()));
    return tables;
  }

  /** Replaces every row of the table with the rows given, in one commit. */
  static void replace(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, String table) {
    try {
      rows.writeTo(table).overwritePartitions();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new dev.adlake.core.ExternalFailureException(
          "Table " + table + " is gone while the classification writes it", e);
    }
  }

  public void ensure(SparkSession spark) {
    definitions().forEach(table -> LakeTables.ensure(spark, table));
  }
}
