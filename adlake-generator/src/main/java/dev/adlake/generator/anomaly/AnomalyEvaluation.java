package dev.adlake.generator.anomaly;

import dev.adlake.core.anomaly.Anomaly;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How the anomalies found compare with the planted ones: an anomaly is true when its hours overlap
 * a planted one's on the same subject (or on the total, which a campaign's anomaly moves too).
 */
public record AnomalyEvaluation(
    int planted,
    int found,
    int plantedFound,
    int trueAnomalies,
    List<Anomaly> falseAnomalies,
    List<AnomalyScenario.Planted> missed) {

  public double precision() {
    return found == 0 ? 1.0 : (double) trueAnomalies / found;
  }

  public double recall() {
    return planted == 0 ? 1.0 : (double) plantedFound / planted;
  }

  /** The most false anomalies in any one evaluated week. */
  public long mostFalsePerWeek(Instant evaluatedFrom, int weeks) {
    long most = 0;
    for (int week = 0; week < weeks; week++) {
      Instant from = evaluatedFrom.plus(Duration.ofDays(7L * week));
      Instant to = from.plus(Duration.ofDays(7));
      long count =
          falseAnomalies.stream()
              .filter(anomaly -> !anomaly.start().isBefore(from) && anomaly.start().isBefore(to))
              .count();
      most = Math.max(most, count);
    }
    return most;
  }

  public static AnomalyEvaluation of(List<AnomalyScenario.Planted> planted, List<Anomaly> found) {
    int trueAnomalies = 0;
    List<Anomaly> falseAnomalies = new ArrayList<>();
    for (Anomaly anomaly : found) {
      if (planted.stream().anyMatch(plant -> matches(plant, anomaly))) {
        trueAnomalies++;
      } else {
        falseAnomalies.add(anomaly);
      }
    }
    List<AnomalyScenario.Planted> missed =
        planted.stream()
            .filter(plant -> found.stream().noneMatch(anomaly -> matches(plant, anomaly)))
            .toList();
    return new AnomalyEvaluation(
        planted.size(),
        found.size(),
        planted.size() - missed.size(),
        trueAnomalies,
        falseAnomalies,
        missed);
  }

  private static boolean matches(AnomalyScenario.Planted plant, Anomaly anomaly) {
    boolean overlaps =
        anomaly.start().isBefore(plant.end()) && plant.start().isBefore(anomaly.end());
    String subject = anomaly.series().subject();
    return overlaps
        && (subject.equals(plant.subject())
            || (subject.equals("total") && plant.subject().startsWith("campaign ")));
  }
}
