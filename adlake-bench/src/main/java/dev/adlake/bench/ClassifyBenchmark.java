package dev.adlake.bench;

import dev.adlake.core.config.ClassificationConfig;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.generator.browsing.BrowsingGenerator;
import dev.adlake.generator.browsing.BrowsingOptions;
import dev.adlake.generator.browsing.PageViewEvents;
import dev.adlake.generator.truth.ClassificationTruthCheck;
import dev.adlake.spark.LakeNamespaces;
import dev.adlake.spark.classification.ClassificationTables;
import dev.adlake.spark.classification.DomainCategoryJob;
import dev.adlake.spark.classification.DomainClustersJob;
import dev.adlake.spark.classification.LabelSources;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.spark.sql.SparkSession;

/**
 * {@code adlake bench classify}: the domain classification on a generated web of power-law traffic,
 * its partner page views generated straight into an events table (landing and streaming them is
 * what the ingestion benchmarks measure), the labels from the generator's partner and vendor files:
 * the time of the clustering and of the category job, and the accuracy against the truth.
 */
public final class ClassifyBenchmark {
  static final String NAMESPACE = "bench_classify";
  static final String REGION = "bench";

  private ClassifyBenchmark() {}

  /**
   * @param folder where the generator's files and truth go
   */
  public record Options(
      int domains, int users, long pageViews, long xandrImpressions, long seed, Path folder) {}

  public record Result(
      double generateSeconds,
      double clusterSeconds,
      double categorySeconds,
      DomainClustersJob.Outcome clusters,
      DomainCategoryJob.Outcome categories,
      ClassificationTruthCheck.Report accuracy) {}

  public static Result run(
      SparkSession spark, DataSource serving, Options options, Consumer<String> out) {
    long began = System.nanoTime();
    BrowsingOptions browsing =
        BrowsingOptions.defaults(
                options.seed(),
                LocalDate.of(2026, 11, 1),
                options.folder().resolve("landing"),
                options.folder().resolve("bucket"),
                options.folder().resolve("expected"))
            .withSize(options.domains(), options.users(), 0, options.xandrImpressions());
    out.accept(
        "generating the web: %,d domains, %,d people, %,d Xandr impressions, the label files"
            .formatted(options.domains(), options.users(), options.xandrImpressions()));
    BrowsingGenerator.generate(browsing, hour -> {});
    LakeNamespaces.ensure(spark, NAMESPACE);
    int tasks = (int) Math.max(4, options.pageViews() / 2_000_000);
    out.accept(
        "generating %,d page views in %d tasks into %s.events"
            .formatted(options.pageViews(), tasks, NAMESPACE));
    GeneratedPageViews.generate(spark, browsing, options.pageViews(), tasks)
        .writeTo(NAMESPACE + ".events")
        .createOrReplace();
    Path landing = browsing.landing();
    spark
        .read()
        .option("header", true)
        .csv(PageViewEvents.labelFile(landing, BuiltInFeeds.PARTNER_CATEGORIES))
        .writeTo(NAMESPACE + ".partner")
        .createOrReplace();
    spark
        .read()
        .option("header", true)
        .option("inferSchema", true)
        .csv(PageViewEvents.labelFile(landing, BuiltInFeeds.VENDOR_CATEGORIES))
        .writeTo(NAMESPACE + ".vendor")
        .createOrReplace();
    double generated = (System.nanoTime() - began) / 1e9;
    out.accept("generated in %.1f s".formatted(generated));

    ClassificationConfig config =
        new ClassificationConfig(
            Map.of(REGION, Set.of()),
            List.of(PageViewEvents.SHARETHIS_SOURCE, PageViewEvents.THIRTYTHREEACROSS_SOURCE));
    LabelSources labels = new LabelSources(NAMESPACE + ".partner", NAMESPACE + ".vendor");
    ClassificationTables tables = new ClassificationTables(REGION);
    long clusterStart = System.nanoTime();
    DomainClustersJob.Outcome clusters =
        new DomainClustersJob(NAMESPACE + ".events", config, labels)
            .cluster(spark, tables, Set.of(), 10, 0.5, line -> out.accept("  " + line));
    double clusterSeconds = (System.nanoTime() - clusterStart) / 1e9;
    out.accept("domain-clusters: %.1f s".formatted(clusterSeconds));
    long categoryStart = System.nanoTime();
    DomainCategoryJob.Outcome categories =
        new DomainCategoryJob(config, labels)
            .classify(spark, tables, serving, 0, line -> out.accept("  " + line));
    double categorySeconds = (System.nanoTime() - categoryStart) / 1e9;
    out.accept("domain-iab-category: %.1f s".formatted(categorySeconds));
    ClassificationTruthCheck.Report accuracy =
        ClassificationTruthCheck.compare(spark, tables.categories(), browsing.expected());
    return new Result(generated, clusterSeconds, categorySeconds, clusters, categories, accuracy);
  }
}
