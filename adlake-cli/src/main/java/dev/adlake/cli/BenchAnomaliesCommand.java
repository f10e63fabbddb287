package dev.adlake.cli;

import dev.adlake.core.anomaly.Anomaly;
import dev.adlake.core.anomaly.AnomalyScan;
import dev.adlake.core.anomaly.SeasonalDetector;
import dev.adlake.generator.anomaly.AnomalyEvaluation;
import dev.adlake.generator.anomaly.AnomalyScenario;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adlake bench anomalies}: the seasonal detector's precision and recall. */
@Command(
    name = "anomalies",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the anomaly detector's precision and recall on generated weeks.",
      "",
      "For each seed: two weeks of history and four evaluated weeks of hourly impressions,",
      "clicks and conversions of 20 campaigns and events and failed records of three",
      "sources, with a weekly cycle, day-to-day noise and Poisson counts, and one anomaly of",
      "each kind planted a week (a spike, a drop, a CTR jump at 3 a.m., a silent source, a",
      "schema change failing records). Then the same without plants, for false alerts.",
      "Targets: precision and recall at least 0.9, at most one false alert a normal week."
    },
    footer = {"", "Example:", "  adlake bench anomalies --seeds 10"})
final class BenchAnomaliesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seeds",
      defaultValue = "10",
      description = "Generated scenarios of each kind (default: ${DEFAULT-VALUE})")
  int seeds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SeasonalDetector.Settings settings = SeasonalDetector.Settings.defaults();
    SeasonalDetector detector = new SeasonalDetector(settings);
    out.printf(
        "bench anomalies: %d seeds, baseline of up to %d weeks, off at %.0f robust deviations"
            + " and a change of %.0f%%, %d cores%n",
        seeds,
        settings.weeks(),
        settings.deviations(),
        settings.minimumChange() * 100,
        Runtime.getRuntime().availableProcessors());
    out.println(
        "peer: the planted truth (targets: precision and recall >= 0.9, <= 1 false a week)");
    int planted = 0;
    int plantedFound = 0;
    int found = 0;
    int trueFound = 0;
    long worstWeek = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      AnomalyScenario.Scenario scenario =
          AnomalyScenario.generate(AnomalyScenario.Options.defaults(seed, true));
      AnomalyEvaluation evaluation =
          AnomalyEvaluation.of(scenario.planted(), scan(detector, scenario));
      planted += evaluation.planted();
      plantedFound += evaluation.plantedFound();
      found += evaluation.found();
      trueFound += evaluation.trueAnomalies();
      out.printf(
          "  seed %2d, planted: %d of %d found, %d anomalies reported, %d false; precision %.2f,"
              + " recall %.2f%n",
          seed,
          evaluation.plantedFound(),
          evaluation.planted(),
          evaluation.found(),
          evaluation.falseAnomalies().size(),
          evaluation.precision(),
          evaluation.recall());
      evaluation.missed().forEach(missed -> out.printf("    missed %s%n", missed));
      evaluation.falseAnomalies().forEach(wrong -> out.printf("    false  %s%n", wrong.describe()));

      AnomalyScenario.Scenario normal =
          AnomalyScenario.generate(AnomalyScenario.Options.defaults(1000 + seed, false));
      AnomalyEvaluation quiet = AnomalyEvaluation.of(List.of(), scan(detector, normal));
      long most = quiet.mostFalsePerWeek(normal.evaluatedFrom(), 4);
      worstWeek = Math.max(worstWeek, most);
      out.printf(
          "  seed %2d without plants: %d false alert(s) in 4 weeks, at most %d in a week%n",
          1000 + seed, quiet.found(), most);
    }
    double precision = found == 0 ? 1.0 : (double) trueFound / found;
    double recall = (double) plantedFound / planted;
    boolean met = precision >= 0.9 && recall >= 0.9 && worstWeek <= 1;
    out.printf(
        "all seeds: precision %.3f, recall %.3f (%d of %d planted found), at most %d false"
            + " alert(s) in a normal week: %s%n",
        precision, recall, plantedFound, planted, worstWeek, met ? "targets met" : "TARGET MISSED");
    out.flush();
    return met ? 0 : 1;
  }

  private static List<Anomaly> scan(SeasonalDetector detector, AnomalyScenario.Scenario scenario) {
    return AnomalyScan.run(
        detector, scenario.series(), scenario.first(), scenario.evaluatedFrom(), scenario.to());
  }
}
