package dev.adlake.bench;

import dev.adlake.core.Folders;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GenerationReport;
import dev.adlake.generator.GeneratorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A generated day of ad data that benchmarks keep under the home's work folder for reruns. */
final class GeneratedDay {
  private GeneratedDay() {}

  /** Generates the day unless a complete one of the same size and seed is there. */
  public static void ensure(long events, long seed, Path day, Consumer<String> progress) {
    Path summary = day.resolve("expected").resolve(GeneratedFeeds.EXPECTED_SUMMARY_FILE);
    if (Files.exists(summary)) {
      progress.accept("reusing the generated day in " + day);
      return;
    }
    Folders.delete(day);
    progress.accept(
        "generating a day of %,d impressions (seed %d) in %s".formatted(events, seed, day));
    GenerationReport report =
        AdDataGenerator.generate(
            new GeneratorOptions(
                seed,
                GeneratorOptions.DEFAULT_START_DATE,
                1,
                events,
                day.resolve("landing"),
                day.resolve("expected"),
                Runtime.getRuntime().availableProcessors()),
            (done, total) -> {});
    progress.accept(
        "  %,d ad-server rows (%,d duplicates, %,d late), %,d conversions in %.1f s"
            .formatted(
                report.adServerRows(),
                report.duplicateRows(),
                report.lateRows(),
                report.conversions(),
                report.elapsed().toMillis() / 1e3));
  }
}
