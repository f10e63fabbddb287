package dev.adlake.server;

import java.util.List;

/**
 * How an answer of the serving API presents its figures: rates of two counts, and which figures are
 * exact and which are estimates (with their error bound).
 */
final class Figures {
  /** The figures that are exact wherever they appear: counted, and rates of counts. */
  static final List<String> EXACT =
      List.of("impressions", "clicks", "conversions", "ctr", "conversionRate");

  private Figures() {}

  /** A figure that is an estimate, and its 95% relative error bound. */
  record Estimate(String field, double relativeError95) {}

  /** numerator / denominator, or null when the denominator is 0. */
  static Double rate(long numerator, long denominator) {
    return denominator == 0 ? null : (double) numerator / denominator;
  }
}
