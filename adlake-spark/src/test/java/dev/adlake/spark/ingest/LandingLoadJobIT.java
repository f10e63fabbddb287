package dev.adlake.spark.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.generate.AdDataGenerator;
import dev.adlake.core.generate.GeneratedFeeds;
import dev.adlake.core.generate.GenerationReport;
import dev.adlake.core.generate.GeneratorOptions;
import dev.adlake.core.job.JobRunner;
import dev.adlake.core.metadata.Run;
import dev.adlake.core.metadata.RunStatus;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loads generated feeds and checks the lake against the generator's true answers. */
class LandingLoadJobIT {
  private static GenerationReport report;

  @BeforeAll
  static void generate() {
    Platform platform = TestPlatform.get();
    report =
        AdDataGenerator.generate(
            new GeneratorOptions(
                7L,
                LocalDate.of(2026, 11, 1),
                1,
                20_000,
                platform.config().landing().path(),
                platform.config().expectedDirectory(),
                2),
            (done, total) -> {});
  }

  @Test
  void adServerEventsMatchTheTruthAndRejectsKeepTheMalformedLines() throws IOException {
    Platform platform = TestPlatform.get();
    JobRunner.Outcome outcome = platform.run("load-adserver-events", Map.of());

    assertThat(outcome.result().rowsIn()).isEqualTo(report.adServerRows());
    assertThat(outcome.result().figures().get("rejected"))
        .isEqualTo(report.malformedLines() - malformedOutsideAdServer());
    SparkSession spark = platform.spark();
    Map<String, Long> actual = new HashMap<>();
    for (Row row :
        spark
            .sql(
                "SELECT date_format(date_trunc('HOUR', event_time), \"yyyy-MM-dd'T'HH:00:00'Z'\") AS hour,"
                    + " ad_id, count(DISTINCT impression_id) AS impressions"
                    + " FROM raw.adserver__events WHERE event = 'impression' GROUP BY 1, 2")
            .collectAsList()) {
      actual.put(row.getString(0) + "/" + row.getInt(1), row.getLong(2));
    }
    Map<String, Long> expected = new HashMap<>();
    List<String> lines =
        Files.readAllLines(
            platform.config().expectedDirectory().resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (Long.parseLong(f[4]) > 0) {
        expected.put(f[0] + "/" + f[1], Long.parseLong(f[4]));
      }
    }
    assertThat(actual).isEqualTo(expected);

    long rejects = spark.table("raw.adserver__events__rejects").count();
    assertThat(rejects).isEqualTo(outcome.result().figures().get("rejected")).isPositive();
    assertThat(
            spark
                .sql("SELECT DISTINCT reason FROM raw.adserver__events__rejects")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .contains("a field does not parse as its type");

    Run run = platform.runs().find(outcome.runId()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(run.rowsOut()).contains(outcome.result().rowsOut());
    assertThat(run.parameters()).containsEntry("max-reject-ratio", "0.01");
  }

  @Test
  void rerunGivesTheSameTableNotTwice() {
    Platform platform = TestPlatform.get();
    platform.run("load-tracker-clicks", Map.of());
    long first = platform.spark().table("raw.tracker__clicks").count();
    platform.run("load-tracker-clicks", Map.of());
    long second = platform.spark().table("raw.tracker__clicks").count();
    assertThat(first).isEqualTo(report.clicks());
    assertThat(second).isEqualTo(first);
  }

  @Test
  void everyFeedLoads() {
    Platform platform = TestPlatform.get();
    platform.run("load-tracker-conversions", Map.of());
    platform.run("load-adtracker-impressions", Map.of());
    assertThat(platform.spark().table("raw.tracker__conversions").count())
        .isEqualTo(report.conversions());
    assertThat(platform.spark().table("raw.adtracker__impressions").count())
        .isEqualTo(report.trackerEvents());
  }

  @Test
  void tooManyRejectsFailsTheRunAndCommitsNothing() {
    Platform platform = TestPlatform.get();
    assertThatThrownBy(() -> platform.run("load-adserver-events", Map.of("max-reject-ratio", "0")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Cannot load feed adserver-events")
        .hasMessageContaining("above the limit of 0.00%");
    Run failed = platform.runs().recent(Optional.of("load-adserver-events"), 1).get(0);
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.error()).hasValueSatisfying(error -> assertThat(error).contains("rejected"));
  }

  @Test
  void unknownParameterIsRefusedByName() {
    assertThatThrownBy(
            () -> TestPlatform.get().run("load-adserver-events", Map.of("max-rejects", "1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown parameter 'max-rejects'")
        .hasMessageContaining("max-reject-ratio");
  }

  /** The generator's malformed count spans every feed; the ad-server share is what TSV rejects. */
  private static long malformedOutsideAdServer() throws IOException {
    Platform platform = TestPlatform.get();
    long count = 0;
    for (String feed :
        List.of(GeneratedFeeds.TRACKER_CLICKS, GeneratedFeeds.ADTRACKER_IMPRESSIONS)) {
      try (var files = Files.walk(platform.config().landing().path().resolve(feed))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          for (String line : Files.readAllLines(file)) {
            if (line.endsWith(",not-a-row") || line.endsWith("\"ts\":")) {
              count++;
            }
          }
        }
      }
    }
    return count;
  }
}
