package dev.adlake.spark;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.job.Job;
import dev.adlake.spark.classification.DomainCategoryJob;
import dev.adlake.spark.classification.DomainClustersJob;
import dev.adlake.spark.classification.LabelSources;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.cookiemapping.UserIdsMapperJob;
import dev.adlake.spark.flywheel.BucketedTablesJob;
import dev.adlake.spark.flywheel.CleanroomsReportJob;
import dev.adlake.spark.flywheel.ErTablesJob;
import dev.adlake.spark.flywheel.RegisterStagedTablesJob;
import dev.adlake.spark.flywheel.SplitAndBucketJob;
import dev.adlake.spark.ingestion.IngestJob;
import dev.adlake.spark.ingestion.enrich.EnricherJob;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import dev.adlake.spark.ingestion.partner.PartnerEventsJob;
import dev.adlake.spark.ingestion.partner.RawCopyJob;
import dev.adlake.spark.maintenance.EraseJob;
import dev.adlake.spark.maintenance.PseudonymRotationJob;
import dev.adlake.spark.maintenance.RetentionJob;
import dev.adlake.spark.maintenance.TableUpkeepJob;
import dev.adlake.spark.monitoring.AnomalyJob;
import dev.adlake.spark.reporting.AdMetricsJob;
import dev.adlake.spark.reportingenablement.MappingPublisherJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every Spark job of the platform, for the platform's job catalog. Ingestion has a job per
 * configured feed; the ad metrics run when the ad-server events and conversions feeds are
 * configured (as they are by default); the stream enricher, the mapping publisher, the clean room's
 * flywheel and the maintenance jobs (retention, table upkeep) always.
 */
public final class SparkJobs {
  /** The partner's domain categories, one of the domain classification's label sources. */
  public static final String PARTNER_CATEGORIES_FEED = "domain-categories-partner";

  /** The commercial categoriser's domain categories, the other label source. */
  public static final String VENDOR_CATEGORIES_FEED = "domain-categories-vendor";

  /** The feed of partners' mapping files, read by the identity graph when configured. */
  public static final String PARTNER_MAPPINGS_FEED = "partner-mappings";

  private SparkJobs() {}

  public static List<Job> all(AdlakeConfig config) {
    List<Job> registry = new ArrayList<>();
    config
        .feeds()
        .forEach(
            feed ->
                registry.add(
                    new IngestJob(feed, feed.appliesTo().map(name -> config.feed(name).table()))));
    Optional<Feed> events = feed(config, AdMetricsJob.EVENTS_FEED);
    Optional<Feed> conversions = feed(config, AdMetricsJob.CONVERSIONS_FEED);
    if (events.isPresent() && conversions.isPresent()) {
      registry.add(new AdMetricsJob(events.get(), conversions.get()));
    }
    registry.add(new RawCopyJob(config.partners().sharethisBucket()));
    registry.add(new PartnerEventsJob(PartnerEventsJob.SOURCES));
    registry.add(new EnricherJob());
    registry.add(userIdsMapper(config));
    registry.add(new MappingPublisherJob());
    labelSources(config)
        .ifPresent(
            labels -> {
              registry.add(
                  new DomainClustersJob(
                      EventsTables.DEFAULT.events(), config.classification(), labels));
              registry.add(new DomainCategoryJob(config.classification(), labels));
            });
    registry.add(SplitAndBucketJob.infobase());
    registry.add(SplitAndBucketJob.addressable());
    registry.add(new RegisterStagedTablesJob());
    registry.add(new BucketedTablesJob());
    registry.add(new ErTablesJob());
    registry.add(new CleanroomsReportJob());
    registry.add(new AnomalyJob());
    registry.add(new RetentionJob());
    registry.add(new TableUpkeepJob());
    registry.add(new EraseJob());
    registry.add(new PseudonymRotationJob());
    return registry;
  }

  /**
   * The identity graph's job over the enricher's mapping table and, when configured, the partner
   * mapping files' table.
   */
  private static UserIdsMapperJob userIdsMapper(AdlakeConfig config) {
    List<UserIdsMapperJob.MappingInput> inputs = new ArrayList<>();
    inputs.add(UserIdsMapperJob.MappingInput.enriched(EventsTables.DEFAULT.mappings()));
    feed(config, PARTNER_MAPPINGS_FEED)
        .ifPresent(feed -> inputs.add(UserIdsMapperJob.MappingInput.asSent(feed.table())));
    return new UserIdsMapperJob(inputs, IdentityTables.DEFAULT);
  }

  /**
   * The domain classification's label tables, when both category feeds are configured (as they are
   * by default); without them there is nothing to label clusters with.
   */
  public static Optional<LabelSources> labelSources(AdlakeConfig config) {
    Optional<Feed> partner = feed(config, PARTNER_CATEGORIES_FEED);
    Optional<Feed> vendor = feed(config, VENDOR_CATEGORIES_FEED);
    if (partner.isEmpty() || vendor.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LabelSources(partner.get().table(), vendor.get().table()));
  }

  private static Optional<Feed> feed(AdlakeConfig config, String name) {
    return config.feeds().stream().filter(feed -> feed.name().equals(name)).findFirst();
  }
}
