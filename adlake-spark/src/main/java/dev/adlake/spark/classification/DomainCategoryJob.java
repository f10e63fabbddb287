package dev.adlake.spark.classification;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.adlake.core.config.ClassificationConfig;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.metadata.Transactions;
import dev.adlake.core.table.ServingTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.CopyRows;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * domain-iab-category: one IAB Content Taxonomy 3.1 category per domain of a region, from three
 * sources that disagree: the partner's labels, the commercial categoriser's (with its confidence)
 * and the label of the domain's cluster.
 *
 * <p>Each source is split into voters by how sure it is: the vendor by its confidence, the clusters
 * by the domain's page views (a domain with many pages is placed surely by its words). Each voter's
 * reliability is learned from the data, not set by hand: by expectation-maximisation over the
 * domains with more than one vote (the one-coin Dawid-Skene model: a voter is right with
 * probability r, else names any other category alike), starting at {@value #PRIOR}. A domain's
 * category is then the posterior's best: Tier 1 by the sum over its Tier 2 categories, Tier 2 the
 * best under that Tier 1. The source that decided is the most reliable voter for the answer.
 *
 * <p>The answer replaces {@code domain_categories_<region>} in one Iceberg commit and the region's
 * rows of {@value ServingTables#DOMAIN_CATEGORIES} in one PostgreSQL transaction: readers of either
 * see the previous classification or the new one whole.
 */
public final class DomainCategoryJob implements SparkJob {
  public static final String NAME = "domain-iab-category";

  /** Every voter's reliability before the first iteration. */
  static final double PRIOR = 0.7;

  /** Pseudo-votes at the prior that each voter's estimate starts with. */
  static final double PRIOR_WEIGHT = 5;

  static final int EM_ITERATIONS = 6;

  /** Reliabilities are kept inside these bounds, so no voter's weight is infinite. */
  static final double MIN_RELIABILITY = 0.05;

  static final double MAX_RELIABILITY = 0.995;

  private final ClassificationConfig config;
  private final LabelSources labels;
  private final JobDefinition definition;

  public DomainCategoryJob(ClassificationConfig config, LabelSources labels) {
    this.config = config;
    this.labels = labels;
    List<dev.adlake.core.job.Dataset> reads = new ArrayList<>();
    List<dev.adlake.core.job.Dataset> writes = new ArrayList<>();
    for (String region : config.regions().keySet()) {
      ClassificationTables tables = new ClassificationTables(region);
      reads.add(dev.adlake.core.job.Dataset.table(tables.mapping()));
      reads.add(dev.adlake.core.job.Dataset.table(tables.labels()));
      writes.add(dev.adlake.core.job.Dataset.table(tables.categories()));
    }
    reads.add(dev.adlake.core.job.Dataset.table(labels.partnerTable()));
    reads.add(dev.adlake.core.job.Dataset.table(labels.vendorTable()));
    writes.add(dev.adlake.core.job.Dataset.servingTable(ServingTables.DOMAIN_CATEGORIES));
    this.definition =
        new JobDefinition(
            NAME,
            Domain.DOMAIN_CLASSIFICATION,
            JobKind.BATCH,
            "One IAB category per domain from the cluster labels, the partner's and the vendor's"
                + " categories, each source weighted by its learned reliability",
            reads,
            writes,
            List.<JobParameter<?>>of(DomainClustersJob.REGION));
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    Map<String, Set<String>> regions =
        DomainClustersJob.regions(config, parameters.find(DomainClustersJob.REGION).orElse(null));
    Map<String, Long> figures = new LinkedHashMap<>();
    long rows = 0;
    for (String region : regions.keySet()) {
      Outcome outcome =
          classify(
              context.spark(),
              new ClassificationTables(region),
              context.metadata().dataSource(),
              context.runId(),
              context.progress());
      rows += outcome.domains();
      figures.merge("domains", outcome.domains(), Long::sum);
      figures.merge("votes", outcome.votes(), Long::sum);
      outcome
          .reliability()
          .forEach(
              (voter, r) ->
                  figures.put(
                      "reliability_permille_" + region + "_" + voter, Math.round(r * 1000)));
    }
    return new JobResult(rows, rows, figures);
  }

  /** What one region's run decided. */
  public record Outcome(long domains, long votes, Map<String, Double> reliability) {}

  /**
   * Classifies one region's domains and publishes the answer.
   *
   * @param serving the serving store's database; null publishes to the lake alone
   */
  public Outcome classify(
      SparkSession spark,
      ClassificationTables tables,
      DataSource serving,
      long runId,
      Consumer<String> progress) {
    tables.ensure(spark);
    Dataset<Row> votes = votes(spark, tables).persist(StorageLevel.MEMORY_AND_DISK());
    long voteCount = votes.count();
    long categories = LabelSources.taxonomy(spark).count();
    Map<String, Double> reliability = learn(votes, categories);
    progress.accept(
        "%s: reliability learned from %,d votes: %s"
            .formatted(tables.region(), voteCount, describe(reliability)));
    Dataset<Row> answer = decide(spark, votes, reliability, categories, tables);
    ClassificationTables.replace(answer, tables.categories());
    Dataset<Row> published = spark.table(tables.categories());
    long domains = published.count();
    if (serving != null) {
      publish(serving, tables.region(), published, domains, progress);
    }
    progress.accept(
        "%s: %,d domains classified into %s"
            .formatted(tables.region(), domains, tables.categories()));
    votes.unpersist();
    return new Outcome(domains, voteCount, reliability);
  }

  /**
   * Every vote: domain, source (partner, vendor, clusters), voter (the source and how sure it is),
   * iab_tier2_id, and the domain's page views.
   */
  private Dataset<Row> votes(SparkSession spark, ClassificationTables tables) {
    Dataset<Row> labelled = labels.votes(spark);
    Dataset<Row> fromLabels =
        labelled.select(
            col("domain"),
            col("voter").as("source"),
            when(col("voter").equalTo(LabelSources.PARTNER), lit(LabelSources.PARTNER))
                .when(col("confidence").geq(0.8), lit("vendor_high"))
                .when(col("confidence").geq(0.6), lit("vendor_mid"))
                .otherwise(lit("vendor_low"))
                .as("voter"),
            col("iab_tier2_id"));
    Dataset<Row> mapping = spark.table(tables.mapping());
    Dataset<Row> fromClusters =
        mapping
            .join(spark.table(tables.labels()), "cluster_id")
            .select(
                col("domain"),
                lit("clusters").as("source"),
                when(col("page_views").geq(50), lit("clusters_high"))
                    .when(col("page_views").geq(10), lit("clusters_mid"))
                    .otherwise(lit("clusters_low"))
                    .as("voter"),
                col("iab_tier2_id"));
    Dataset<Row> traffic = mapping.select("domain", "page_views");
    return fromLabels
        .unionByName(fromClusters)
        .join(traffic, new String[] {"domain"}, "left")
        .withColumn("page_views", coalesce(col("page_views"), lit(0L)));
  }

  /**
   * Votes of domains with more than one, at most this many, are what the reliability learns from.
   */
  static final long MAX_LEARNING_VOTES = 4_000_000;

  /**
   * The reliability of each voter, by expectation-maximisation over the domains with 2+ votes (a
   * sample of whole domains when they have more than {@value #MAX_LEARNING_VOTES} votes), computed
   * on the driver: its input is small beside the votes.
   */
  static Map<String, Double> learn(Dataset<Row> votes, long categories) {
    Dataset<Row> shared =
        votes
            .withColumn("n", count(lit(1)).over(Window.partitionBy("domain")))
            .where(col("n").geq(2))
            .select("domain", "voter", "iab_tier2_id")
            .persist(StorageLevel.MEMORY_AND_DISK());
    List<String> voters = new ArrayList<>();
    for (Row row : votes.select("voter").distinct().orderBy("voter").collectAsList()) {
      voters.add(row.getString(0));
    }
    Map<String, List<int[]>> byDomain = new java.util.HashMap<>();
    Map<String, Integer> labels = new java.util.HashMap<>();
    try {
      long total = shared.count();
      Dataset<Row> sample = shared;
      if (total > MAX_LEARNING_VOTES) {
        long keep = Math.max(1, total / MAX_LEARNING_VOTES + 1);
        sample =
            shared.where(
                org.apache
                    .spark
                    .sql
                    .functions
                    .pmod(org.apache.spark.sql.functions.hash(col("domain")), lit(keep))
                    .equalTo(0));
      }
      java.util.Iterator<Row> rows = sample.toLocalIterator();
      while (rows.hasNext()) {
        Row row = rows.next();
        int label = labels.computeIfAbsent(row.getString(2), l -> labels.size());
        byDomain
            .computeIfAbsent(row.getString(0), d -> new ArrayList<>(3))
            .add(new int[] {voters.indexOf(row.getString(1)), label});
      }
    } finally {
      shared.unpersist();
    }
    double[] r = new double[voters.size()];
    java.util.Arrays.fill(r, PRIOR);
    for (int iteration = 0; iteration < EM_ITERATIONS; iteration++) {
      double[] weight = new double[r.length];
      for (int v = 0; v < r.length; v++) {
        weight[v] = Math.log(r[v] * (categories - 1) / (1 - r[v]));
      }
      double[] right = new double[r.length];
      double[] cast = new double[r.length];
      for (List<int[]> domainVotes : byDomain.values()) {
        Map<Integer, Double> scores = new java.util.HashMap<>();
        for (int[] vote : domainVotes) {
          scores.merge(vote[1], weight[vote[0]], Double::sum);
        }
        double top = java.util.Collections.max(scores.values());
        double z = (categories - scores.size()) * Math.exp(-top);
        for (double score : scores.values()) {
          z += Math.exp(score - top);
        }
        for (int[] vote : domainVotes) {
          right[vote[0]] += Math.exp(scores.get(vote[1]) - top) / z;
          cast[vote[0]]++;
        }
      }
      for (int v = 0; v < r.length; v++) {
        double estimate = (right[v] + PRIOR * PRIOR_WEIGHT) / (cast[v] + PRIOR_WEIGHT);
        r[v] = Math.max(MIN_RELIABILITY, Math.min(MAX_RELIABILITY, estimate));
      }
    }
    Map<String, Double> reliability = new TreeMap<>();
    for (int v = 0; v < r.length; v++) {
      reliability.put(voters.get(v), r[v]);
    }
    return reliability;
  }

  /**
   * The posterior of each voted category of each domain: domain, iab_tier2_id, p. Categories no
   * voter names share the rest of the mass.
   */
  static Dataset<Row> posterior(Dataset<Row> votes, Map<String, Double> reliability, long k) {
    Column weight = lit(0.0);
    for (Map.Entry<String, Double> entry : reliability.entrySet()) {
      double r = entry.getValue();
      weight =
          when(col("voter").equalTo(entry.getKey()), lit(Math.log(r * (k - 1) / (1 - r))))
              .otherwise(weight);
    }
    Dataset<Row> scores =
        votes.withColumn("w", weight).groupBy("domain", "iab_tier2_id").agg(sum("w").as("s"));
    Dataset<Row> normaliser =
        scores
            .withColumn("top", max("s").over(Window.partitionBy("domain")))
            .withColumn("e", exp(col("s").minus(col("top"))))
            .withColumn("candidates", count(lit(1)).over(Window.partitionBy("domain")))
            .withColumn(
                "z",
                sum("e")
                    .over(Window.partitionBy("domain"))
                    .plus(
                        lit((double) k)
                            .minus(col("candidates"))
                            .multiply(exp(col("top").multiply(-1)))));
    return normaliser.select(col("domain"), col("iab_tier2_id"), col("e").divide(col("z")).as("p"));
  }

  /** The answer per domain, in the categories table's columns. */
  private static Dataset<Row> decide(
      SparkSession spark,
      Dataset<Row> votes,
      Map<String, Double> reliability,
      long categories,
      ClassificationTables tables) {
    Dataset<Row> taxonomy = broadcast(LabelSources.taxonomy(spark));
    Dataset<Row> posterior =
        posterior(votes, reliability, categories).join(taxonomy, "iab_tier2_id");
    Dataset<Row> tier1 =
        posterior
            .groupBy("domain", "iab_tier1_id")
            .agg(sum("p").as("tier1_confidence"))
            .withColumn(
                "rank",
                row_number()
                    .over(
                        Window.partitionBy("domain")
                            .orderBy(desc("tier1_confidence"), col("iab_tier1_id"))))
            .where(col("rank").equalTo(1))
            .drop("rank");
    Dataset<Row> best =
        posterior
            .join(tier1, new String[] {"domain", "iab_tier1_id"})
            .withColumn(
                "rank",
                row_number()
                    .over(Window.partitionBy("domain").orderBy(desc("p"), col("iab_tier2_id"))))
            .where(col("rank").equalTo(1))
            .drop("rank");
    Column weight = lit(0.0);
    for (Map.Entry<String, Double> entry : reliability.entrySet()) {
      weight = when(col("voter").equalTo(entry.getKey()), lit(entry.getValue())).otherwise(weight);
    }
    Dataset<Row> decider =
        votes
            .join(best.select("domain", "iab_tier2_id"), new String[] {"domain", "iab_tier2_id"})
            .withColumn("r", weight)
            .withColumn(
                "rank",
                row_number().over(Window.partitionBy("domain").orderBy(desc("r"), col("source"))))
            .where(col("rank").equalTo(1))
            .select(col("domain"), col("source"));
    Dataset<Row> perSource =
        votes
            .groupBy("domain")
            .agg(
                count(lit(1)).cast("int").as("sources"),
                first(when(col("source").equalTo(LabelSources.PARTNER), col("iab_tier2_id")), true)
                    .as("partner_tier2_id"),
                first(when(col("source").equalTo(LabelSources.VENDOR), col("iab_tier2_id")), true)
                    .as("vendor_tier2_id"),
                first(when(col("source").equalTo("clusters"), col("iab_tier2_id")), true)
                    .as("cluster_tier2_id"),
                max("page_views").as("page_views"));
    return best.join(decider, "domain")
        .join(perSource, "domain")
        .select(
            col("domain"),
            col("iab_tier1_id"),
            col("iab_tier1_name"),
            col("iab_tier2_id"),
            col("iab_tier2_name"),
            col("p").as("confidence"),
            col("tier1_confidence"),
            col("source"),
            col("sources"),
            col("partner_tier2_id"),
            col("vendor_tier2_id"),
            col("cluster_tier2_id"),
            col("page_views"),
            org.apache.spark.sql.functions.current_timestamp().as("classified_at"))
        .repartition(1);
  }

  /** Replaces the region's rows of the serving table in one transaction. */
  private static void publish(
      DataSource serving,
      String region,
      Dataset<Row> answer,
      long expected,
      Consumer<String> progress) {
    Transactions.inTransaction(
        serving,
        "publish the domain categories of region %s to %s"
            .formatted(region, ServingTables.DOMAIN_CATEGORIES),
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM " + ServingTables.DOMAIN_CATEGORIES + " WHERE region = ?")) {
            delete.setString(1, region);
            delete.executeUpdate();
          }
          long copied =
              CopyRows.copy(
                  progress,
                  connection,
                  ServingTables.DOMAIN_CATEGORIES,
                  "region, domain, iab_tier1_id, iab_tier2_id, confidence, source, classified_at",
                  answer
                      .select(
                          "domain",
                          "iab_tier1_id",
                          "iab_tier2_id",
                          "confidence",
                          "source",
                          "classified_at")
                      .toLocalIterator(),
                  CopyRows.constant(region),
                  CopyRows.text("domain"),
                  CopyRows.text("iab_tier1_id"),
                  CopyRows.text("iab_tier2_id"),
                  CopyRows.number("confidence"),
                  CopyRows.text("source"),
                  CopyRows.utc("classified_at"));
          if (copied != expected) {
            throw new IllegalStateException(
                "Copied %d domain categories of region %s, but the lake table has %d"
                    .formatted(copied, region, expected));
          }
          return copied;
        });
  }

  static String describe(Map<String, Double> reliability) {
    List<String> parts = new ArrayList<>();
    reliability.forEach((voter, r) -> parts.add("%s %.2f".formatted(voter, r)));
    return String.join(", ", parts);
  }
}
