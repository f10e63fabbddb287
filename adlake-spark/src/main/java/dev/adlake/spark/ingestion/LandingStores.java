package dev.adlake.spark.ingestion;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LocalLandingStore;
import java.net.URI;
import java.nio.file.Path;

/** Opens and closes object stores: the landing zone, a partner's bucket; folders or S3 prefixes. */
public final class LandingStores {
  private LandingStores() {}

  /** The landing zone the configuration names. */
  public static LandingStore open(AdlakeConfig config) {
    if (config.landing().onS3()) {
      return new S3LandingStore(config.landing().location(), config.lake());
    }
    return new LocalLandingStore(config.landing().path());
  }

  /**
   * A store at a location: {@code s3a://bucket/prefix} (with the lake's S3 settings) or a folder.
   */
  public static LandingStore open(URI location, LakeConfig lake) {
    if ("s3a".equals(location.getScheme())) {
      return new S3LandingStore(location, lake);
    }
    return new LocalLandingStore(Path.of(location));
  }

  /** Releases what the store holds (an S3 client); a folder holds nothing. */
  public static void close(LandingStore store) {
    if (store instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new ExternalFailureException("Cannot close " + store + ": " + e.getMessage(), e);
      }
    }
  }
}
