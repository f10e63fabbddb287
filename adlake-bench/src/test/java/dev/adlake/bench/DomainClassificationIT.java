package dev.adlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.ClassificationConfig;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.generator.browsing.BrowsingGenerator;
import dev.adlake.generator.browsing.BrowsingOptions;
import dev.adlake.generator.browsing.PageViewEvents;
import dev.adlake.generator.truth.ClassificationTruthCheck;
import dev.adlake.spark.LakeNamespaces;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.classification.ClassificationTables;
import dev.adlake.spark.classification.DomainCategoryJob;
import dev.adlake.spark.classification.DomainClustersJob;
import dev.adlake.spark.classification.LabelSources;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The domain classification on the generator's web (2,000 domains, 10% labelled by the partner and
 * 30% by the vendor, both with wrong labels), its page views written straight into an events table:
 * accuracy against the truth, and the serving store equal to the lake.
 */
class DomainClassificationIT {
  @Test
  void classifiesUnlabelledDomainsByAudiencesAndPageWords() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    Path root = platform.config().home().resolve("classification-it");
    BrowsingOptions options =
        BrowsingOptions.defaults(
                11L,
                LocalDate.of(2026, 11, 1),
                root.resolve("landing"),
                root.resolve("bucket"),
                root.resolve("expected"))
            .withSize(2_000, 8_000, 0, 40_000);
    BrowsingGenerator.generate(options, hour -> {});
    LakeNamespaces.ensure(spark, "it_classify");
    GeneratedPageViews.generate(spark, options, 240_000, 4)
        .writeTo("it_classify.events")
        .createOrReplace();
    Path snapshot = root.resolve("landing");
    spark
        .read()
        .option("header", true)
        .csv(PageViewEvents.labelFile(snapshot, BuiltInFeeds.PARTNER_CATEGORIES))
        .writeTo("it_classify.partner")
        .createOrReplace();
    spark
        .read()
        .option("header", true)
        .option("inferSchema", true)
        .csv(PageViewEvents.labelFile(snapshot, BuiltInFeeds.VENDOR_CATEGORIES))
        .writeTo("it_classify.vendor")
        .createOrReplace();
    ClassificationConfig config =
        new ClassificationConfig(Map.of("it", Set.of()), List.of("st", "tt"));
    LabelSources labels = new LabelSources("it_classify.partner", "it_classify.vendor");
    ClassificationTables tables = new ClassificationTables("it");

    DomainClustersJob.Outcome clusters =
        new DomainClustersJob("it_classify.events", config, labels)
            .cluster(spark, tables, Set.of(), 10, 0.5, System.out::println);
    DomainCategoryJob.Outcome categories =
        new DomainCategoryJob(config, labels)
            .classify(spark, tables, platform.metadata().dataSource(), 0, System.out::println);

    assertThat(clusters.pageViews()).isEqualTo(240_000);
    assertThat(clusters.clusters()).isGreaterThan(50);
    ClassificationTruthCheck.Report report =
        ClassificationTruthCheck.compare(spark, tables.categories(), options.expected());
    report.lines().forEach(System.out::println);
    assertThat(report.unlabelled().tier1()).isGreaterThanOrEqualTo(0.90);
    assertThat(report.unlabelled().tier2()).isGreaterThanOrEqualTo(0.75);
    assertThat(report.unlabelled().tier2()).isGreaterThan(report.baseline().tier2() + 0.5);
    report
        .bySource()
        .forEach(
            (source, pair) ->
                assertThat(pair[1].tier2()).as(source).isGreaterThan(pair[0].tier2()));
    // The partner's labels are more often right than the vendor's: the learned reliability says so.
    assertThat(categories.reliability().get("partner"))
        .isGreaterThan(categories.reliability().get("vendor_low"));
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet count =
            statement.executeQuery(
                "SELECT count(*) FROM serving.domain_categories WHERE region = 'it'")) {
      count.next();
      assertThat(count.getLong(1)).isEqualTo(categories.domains());
    }
  }
}
