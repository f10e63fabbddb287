package dev.adlake.core.job;

/**
 * The data domains of the platform. Every job belongs to exactly one, as the data-flow design
 * rules: "a data job can only appear in a single domain".
 */
public enum Domain {
  INGESTION("Ingestion"),
  COOKIE_MAPPING("Cookie mapping"),
  SEGMENT_BUILDING("Segment building"),
  DOMAIN_CLASSIFICATION("Domain classification"),
  REPORTING_ENABLEMENT("Reporting enablement"),
  REPORTING("Reporting"),
  CLEAN_ROOM("Clean room"),
  MONITORING("Monitoring"),
  MAINTENANCE("Maintenance");

  private final String title;

  Domain(String title) {
    this.title = title;
  }

  /** The domain's name as people write it. */
  public String title() {
    return title;
  }
}
