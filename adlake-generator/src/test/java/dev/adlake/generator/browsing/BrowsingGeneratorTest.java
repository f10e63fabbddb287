package dev.adlake.generator.browsing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.taxonomy.ContentTaxonomy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrowsingGeneratorTest {
  @TempDir static Path root;
  static BrowsingOptions options;
  static BrowsingGenerator.Report report;
  static List<String[]> domains;

  @BeforeAll
  static void generate() throws IOException {
    options =
        BrowsingOptions.defaults(
                3L,
                LocalDate.of(2026, 11, 1),
                root.resolve("landing"),
                root.resolve("sharethis-bucket"),
                root.resolve("expected"))
            .withSize(600, 1_500, 30_000, 6_000);
    report = BrowsingGenerator.generate(options, hour -> {});
    domains =
        Files.readAllLines(root.resolve("expected/browsing/domains.csv")).stream()
            .skip(1)
            .map(line -> line.split(",", -1))
            .toList();
  }

  @Test
  void everyPageViewIsInAPartnersFileAndCountedInTheTruth() throws IOException {
    List<String> sharethis = lines(root.resolve("sharethis-bucket/pageviews"));
    List<String> tt = lines(root.resolve("landing/33across/pageviews"));
    assertThat(sharethis).hasSize((int) report.sharethisViews());
    assertThat(tt).hasSize((int) report.thirtyThreeAcrossViews());
    assertThat(report.sharethisViews() + report.thirtyThreeAcrossViews()).isEqualTo(30_000);
    for (String line : sharethis) {
      String[] fields = line.split("\t", -1);
      assertThat(fields).as(line).hasSize(BrowsingGenerator.SHARETHIS_COLUMNS.size());
      assertThat(Long.parseLong(fields[1])).isPositive();
      assertThat(fields[2]).startsWith("https://");
      assertThat(fields[6].split("\\|")).hasSize(4);
    }
    ObjectMapper json = new ObjectMapper();
    for (String line : tt) {
      JsonNode view = json.readTree(line);
      assertThat(view.path("uid").asText()).isNotEmpty();
      assertThat(view.path("page").path("url").asText()).startsWith("https://");
      assertThat(view.path("device").path("ua").asText()).isNotEmpty();
    }
    long truthViews = domains.stream().mapToLong(d -> Long.parseLong(d[4])).sum();
    assertThat(truthViews).isEqualTo(30_000);
    JsonNode summary = json.readTree(root.resolve("expected/browsing/summary.json").toFile());
    assertThat(summary.path("page_views").path("sharethis").asLong())
        .isEqualTo(report.sharethisViews());
    assertThat(summary.path("files").path("sharethis").asLong()).isEqualTo(12);
    assertThat(summary.path("xandr").path("impressions").asLong()).isEqualTo(6_000);
    List<String> xandr = lines(root.resolve("landing/xandr/standard_feed"));
    assertThat(xandr.stream().filter(line -> !line.startsWith("auction_id_64"))).hasSize(6_000);
  }

  @Test
  void domainsHaveTaxonomyCategoriesMostlyOpaqueNamesAndPowerLawTraffic() {
    ContentTaxonomy taxonomy = ContentTaxonomy.shipped();
    assertThat(domains).hasSize(600);
    long opaque = domains.stream().filter(d -> d[3].equals("true")).count();
    assertThat(opaque).isBetween(420L, 540L);
    for (String[] domain : domains) {
      ContentTaxonomy.Category tier2 = taxonomy.category(domain[2]).orElseThrow();
      assertThat(tier2.isTier1()).isFalse();
      assertThat(tier2.tier1Id()).isEqualTo(domain[1]);
    }
    // A few domains take much of the traffic.
    List<Long> views = domains.stream().map(d -> Long.parseLong(d[4])).sorted().toList();
    long top = views.subList(views.size() - 30, views.size()).stream().mapToLong(v -> v).sum();
    assertThat(top).isGreaterThan(30_000 / 4);
  }

  @Test
  void aWebOfAMillionDomainsHasAMillionNames() {
    // Two or three syllables and a suffix make some 500,000 names: a bench-sized web needs more.
    BrowsingUniverse web = new BrowsingUniverse(options.withSize(1_000_000, 1_000, 0, 0));

    assertThat(web.domains().stream().map(BrowsingUniverse.Domain::name).distinct().count())
        .isEqualTo(1_000_000);
  }

  @Test
  void labelsCoverTheirShareAndAreSometimesWrong() {
    long partner = domains.stream().filter(d -> !d[6].isEmpty()).count();
    long partnerWrong = domains.stream().filter(d -> !d[6].isEmpty() && !d[6].equals(d[2])).count();
    long vendor = domains.stream().filter(d -> !d[7].isEmpty()).count();
    long vendorWrong = domains.stream().filter(d -> !d[7].isEmpty() && !d[7].equals(d[2])).count();
    assertThat(partner).isEqualTo(report.partnerLabels()).isBetween(35L, 90L);
    assertThat(vendor).isEqualTo(report.vendorLabels()).isBetween(140L, 220L);
    assertThat(partnerWrong).isPositive().isLessThan(partner / 3);
    assertThat(vendorWrong).isPositive().isLessThan(vendor / 3);
  }

  @Test
  void coVisitationCarriesTheCategory() throws IOException {
    // People browse mostly within their interests: two sites one person visited share a
    // category far more often than two sites drawn at random.
    Map<String, String> categoryOf = new HashMap<>();
    for (String[] domain : domains) {
      categoryOf.put(domain[0], domain[2]);
    }
    Map<String, List<String>> sitesOf = new HashMap<>();
    for (String line : lines(root.resolve("sharethis-bucket/pageviews"))) {
      String[] fields = line.split("\t", -1);
      String host = fields[2].substring("https://".length(), fields[2].indexOf('/', 8));
      String domain = host.substring(host.indexOf('.') + 1);
      sitesOf.computeIfAbsent(fields[0], id -> new ArrayList<>()).add(domain);
    }
    long same = 0;
    long pairs = 0;
    for (List<String> sites : sitesOf.values()) {
      for (int i = 1; i < sites.size(); i++) {
        pairs++;
        if (categoryOf.get(sites.get(i)).equals(categoryOf.get(sites.get(i - 1)))) {
          same++;
        }
      }
    }
    Set<String> categories = new HashSet<>(categoryOf.values());
    assertThat(categories.size()).isGreaterThan(20);
    assertThat((double) same / pairs).isGreaterThan(0.3);
  }

  @Test
  void theSameOptionsGiveTheSameFiles() throws IOException {
    Path again = root.resolve("again");
    BrowsingGenerator.generate(
        new BrowsingOptions(
            options.seed(),
            options.startDate(),
            options.hours(),
            options.domains(),
            options.users(),
            options.pageViews(),
            options.xandrImpressions(),
            options.tier1Categories(),
            options.partnerLabelShare(),
            options.vendorLabelShare(),
            options.partnerLabelNoise(),
            options.vendorLabelNoise(),
            again.resolve("landing"),
            again.resolve("bucket"),
            again.resolve("expected")),
        hour -> {});
    assertThat(Files.readString(again.resolve("expected/browsing/domains.csv")))
        .isEqualTo(Files.readString(root.resolve("expected/browsing/domains.csv")));
    assertThat(lines(again.resolve("bucket/pageviews")))
        .isEqualTo(lines(root.resolve("sharethis-bucket/pageviews")));
  }

  /** Every line of every gzipped file under a folder, in file-name order. */
  private static List<String> lines(Path folder) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
          reader.lines().forEach(lines::add);
        }
      }
    }
    return lines;
  }
}
