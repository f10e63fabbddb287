package dev.adlake.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.feed.BuiltInFeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdDataGeneratorTest {
  private static final LocalDate START = LocalDate.of(2026, 11, 1);

  private static GeneratorOptions options(Path root, long events, int days, int threads) {
    return new GeneratorOptions(
        42L, START, days, events, root.resolve("landing"), root.resolve("expected"), threads);
  }

  @Test
  void expectedAnswersMatchAnIndependentRecountOfTheFiles(@TempDir Path root) throws IOException {
    GenerationReport report =
        AdDataGenerator.generate(options(root, 30_000, 2, 2), (done, total) -> {});

    Map<String, long[]> recount = recount(root.resolve("landing"));
    Map<String, long[]> expected = new TreeMap<>();
    List<String> lines =
        Files.readAllLines(root.resolve("expected").resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE));
    assertThat(lines.get(0)).isEqualTo(String.join(",", GeneratedFeeds.EXPECTED_HOURLY_COLUMNS));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      expected.put(
          f[0] + "/" + f[1],
          new long[] {
            Long.parseLong(f[4]),
            Long.parseLong(f[5]),
            Long.parseLong(f[6]),
            Long.parseLong(f[7]),
            Long.parseLong(f[8])
          });
    }
    assertThat(recount.keySet()).isEqualTo(expected.keySet());
    for (String key : expected.keySet()) {
      assertThat(recount.get(key)).as(key).containsExactly(expected.get(key));
    }
    long impressions = expected.values().stream().mapToLong(v -> v[0]).sum();
    assertThat(impressions).isEqualTo(report.impressions()).isEqualTo(60_000);
    assertThat(report.clicks()).isBetween(300L, 1_200L);
    assertThat(report.duplicateRows()).isPositive();
    assertThat(report.lateRows()).isPositive();
    assertThat(report.malformedLines()).isPositive();
  }

  @Test
  void sameSeedGivesTheSameBytesWhateverTheThreads(@TempDir Path root) throws IOException {
    AdDataGenerator.generate(options(root.resolve("one"), 5_000, 1, 1), (done, total) -> {});
    AdDataGenerator.generate(options(root.resolve("two"), 5_000, 1, 2), (done, total) -> {});
    Map<Path, Long> one = checksums(root.resolve("one"));
    Map<Path, Long> two = checksums(root.resolve("two"));
    assertThat(one).isNotEmpty().isEqualTo(two);
  }

  @Test
  void landsEveryFeedWithAnEmptyFileAmongThem(@TempDir Path root) throws IOException {
    AdDataGenerator.generate(options(root, 2_400, 1, 2), (done, total) -> {});
    Path landing = root.resolve("landing");
    for (String feed :
        List.of(
            BuiltInFeeds.ADSERVER_EVENTS,
            BuiltInFeeds.TRACKER_CLICKS,
            BuiltInFeeds.TRACKER_CONVERSIONS,
            BuiltInFeeds.ADTRACKER_IMPRESSIONS)) {
      assertThat(files(landing.resolve(feed))).as(feed).hasSizeGreaterThanOrEqualTo(24);
    }
    assertThat(files(landing.resolve(BuiltInFeeds.ADSERVER_EVENTS)))
        .anySatisfy(file -> assertThat(Files.size(file)).isZero());
    String clicksHeader =
        Files.readAllLines(files(landing.resolve(BuiltInFeeds.TRACKER_CLICKS)).get(0)).get(0);
    assertThat(clicksHeader).isEqualTo(String.join(",", GeneratedFeeds.TRACKER_CLICKS_COLUMNS));
  }

  @Test
  void refusesNonsenseOptions(@TempDir Path root) {
    assertThatThrownBy(() -> options(root, 10, 1, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("10 events per day");
    assertThatThrownBy(() -> options(root, 1000, 0, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("0 days");
  }

  @Test
  void splitsADayAlongTheCurveExactly() {
    long[] hours = AdDataGenerator.split(1_000_003);
    assertThat(java.util.Arrays.stream(hours).sum()).isEqualTo(1_000_003);
    assertThat(hours[20]).isGreaterThan(hours[4] * 3);
  }

  /**
   * Reads the TSV as a careful consumer would: skips lines that are not ten valid fields, counts
   * each (impression id, event) once, and conversions from their CSV.
   */
  private static Map<String, long[]> recount(Path landing) throws IOException {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Set<String>> users = new HashMap<>();
    Map<String, Set<String>> addresses = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (Path file : files(landing.resolve(BuiltInFeeds.ADSERVER_EVENTS))) {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split("\t", -1);
        if (f.length != 10 || !f[0].matches("\\d+")) {
          continue;
        }
        Instant time;
        try {
          time = Instant.parse(f[3]);
        } catch (DateTimeParseException e) {
          continue;
        }
        if (!seen.add(f[4] + f[7])) {
          continue;
        }
        long[] c = counts.computeIfAbsent(hourKey(time, f[0]), k -> new long[5]);
        if (f[7].equals("impression")) {
          c[0]++;
          users.computeIfAbsent(hourKey(time, f[0]), k -> new HashSet<>()).add(f[6]);
          addresses.computeIfAbsent(hourKey(time, f[0]), k -> new HashSet<>()).add(f[5]);
        } else {
          c[1]++;
        }
      }
    }
    for (Path file : files(landing.resolve(BuiltInFeeds.TRACKER_CONVERSIONS))) {
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        counts.computeIfAbsent(hourKey(Instant.parse(f[6]), f[2]), k -> new long[5])[2]++;
      }
    }
    counts.forEach(
        (key, c) -> {
          c[3] = addresses.getOrDefault(key, Set.of()).size();
          c[4] = users.getOrDefault(key, Set.of()).size();
        });
    return counts;
  }

  private static String hourKey(Instant time, String ad) {
    return time.truncatedTo(ChronoUnit.HOURS) + "/" + ad;
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }

  private static Map<Path, Long> checksums(Path root) throws IOException {
    Map<Path, Long> sums = new TreeMap<>();
    for (Path file : files(root)) {
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(Files.readAllBytes(file));
      sums.put(root.relativize(file), crc.getValue());
    }
    return sums;
  }
}
