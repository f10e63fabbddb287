package dev.adlake.core.anomaly;

/**
 * One watched series: a metric ({@code impressions}, {@code clicks}, {@code ctr}, {@code events},
 * {@code failed_ratio}, ...) of a subject ({@code campaign 12}, {@code source tracker}, {@code
 * total}).
 */
public record SeriesKey(String metric, String subject) {
  @Override
  public String toString() {
    return metric + " of " + subject;
  }
}
