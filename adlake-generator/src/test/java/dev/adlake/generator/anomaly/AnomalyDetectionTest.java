package dev.adlake.generator.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.anomaly.AnomalyScan;
import dev.adlake.core.anomaly.SeasonalDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seasonal detector against generated weeks: the planted anomalies are found, and normal weeks
 * raise at most one false alert.
 */
class AnomalyDetectionTest {
  private static final SeasonalDetector DETECTOR =
      new SeasonalDetector(SeasonalDetector.Settings.defaults());

  @Test
  void plantedAnomaliesAreFoundWithPrecisionAndRecallOfAtLeastNinetyPercent() {
    for (long seed = 1; seed <= 3; seed++) {
      AnomalyScenario.Scenario scenario =
          AnomalyScenario.generate(AnomalyScenario.Options.defaults(seed, true));
      List<Anomaly> found = scan(scenario);
      AnomalyEvaluation evaluation = AnomalyEvaluation.of(scenario.planted(), found);
      assertThat(evaluation.planted()).isEqualTo(4 * AnomalyScenario.KINDS.size());
      assertThat(evaluation.recall())
          .as("seed %d, missed %s", seed, evaluation.missed())
          .isGreaterThanOrEqualTo(0.9);
      assertThat(evaluation.precision())
          .as("seed %d, false %s", seed, evaluation.falseAnomalies())
          .isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void normalWeeksRaiseAtMostOneFalseAlertAWeek() {
    for (long seed = 11; seed <= 13; seed++) {
      AnomalyScenario.Scenario scenario =
          AnomalyScenario.generate(AnomalyScenario.Options.defaults(seed, false));
      AnomalyEvaluation evaluation = AnomalyEvaluation.of(scenario.planted(), scan(scenario));
      assertThat(evaluation.mostFalsePerWeek(scenario.evaluatedFrom(), 4))
          .as("seed %d: %s", seed, evaluation.falseAnomalies())
          .isLessThanOrEqualTo(1);
    }
  }

  private static List<Anomaly> scan(AnomalyScenario.Scenario scenario) {
    return AnomalyScan.run(
        DETECTOR, scenario.series(), scenario.first(), scenario.evaluatedFrom(), scenario.to());
  }
}
