package dev.adlake.spark.ingestion;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LocalLandingStore;

/** Opens the landing zone a configuration names: a local folder or an S3 prefix. */
public final class LandingStores {
  private LandingStores() {}

  public static LandingStore open(AdlakeConfig config) {
    if (config.landing().onS3()) {
      return new S3LandingStore(config.landing().location(), config.lake());
    }
    return new LocalLandingStore(config.landing().path());
  }
}
