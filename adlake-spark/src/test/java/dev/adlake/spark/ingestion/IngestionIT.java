package dev.adlake.spark.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.LocalLandingStore;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadLedger;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.core.taxonomy.ContentTaxonomy;
import dev.adlake.generator.AdDataGenerator;
import dev.adlake.generator.GeneratedFeeds;
import dev.adlake.generator.GenerationReport;
import dev.adlake.generator.GeneratorOptions;
import dev.adlake.generator.ReferenceDataGenerator;
import dev.adlake.generator.browsing.BrowsingGenerator;
import dev.adlake.generator.browsing.BrowsingOptions;
import dev.adlake.generator.truth.HourlyTruthCheck;
import dev.adlake.generator.truth.PartnerTruthCheck;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Tracked ingestion against real PostgreSQL and Spark, checked against the generator's truth. */
class IngestionIT {
  private static int next;

  /** A config on the shared platform's services, with its own landing, archive and feeds. */
  private static AdlakeConfig config(String name, Map<String, String> feeds) {
    Platform platform = TestPlatform.get();
    Path root = platform.config().home().resolve("ingestion-it").resolve(name + "-" + next++);
    Map<String, String> overrides = new LinkedHashMap<>(feeds);
    overrides.put("landing.path", root.resolve("landing").toString());
    overrides.put("ingest.archive-path", root.resolve("archive").toString());
    overrides.put("ingest.error-path", root.resolve("error").toString());
    return ConfigLoader.load(
        new ConfigLoader.Request(
            Optional.of(platform.config().home()), Optional.empty(), Map.of(), overrides, root));
  }

  private static Ingestion ingestion(AdlakeConfig config) {
    return ingestion(config, line -> {});
  }

  private static Ingestion ingestion(AdlakeConfig config, Consumer<String> progress) {
    Platform platform = TestPlatform.get();
    return new Ingestion(
        platform.spark(),
        config,
        ledger(),
        new LocalLandingStore(config.landing().path()),
        progress);
  }

  private static LoadLedger ledger() {
    return new JdbcLoadLedger(TestPlatform.get().metadata().dataSource());
  }

  private static Map<String, String> feed(String name, String table, String... properties) {
    Map<String, String> feed = new LinkedHashMap<>();
    feed.put("feeds." + name + ".table", table);
    for (int i = 0; i < properties.length; i += 2) {
      feed.put("feeds." + name + "." + properties[i], properties[i + 1]);
    }
    return feed;
  }

  private static Path land(AdlakeConfig config, String key, String content) throws IOException {
    Path file = config.landing().path().resolve(key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  @Test
  void aFileInManyPartsKeepsEveryLineNumberAndABadFileLeavesItsBatch() throws IOException {
    Map<String, String> settings =
        new LinkedHashMap<>(
            feed(
                "parts",
                "it_parts.partner__parts",
                "prefix",
                "partner/parts/",
                "format",
                "tsv",
                "header",
                "false",
                "schema",
                "id bigint not null, name string, note string"));
    // Parts of 1 MB: the big file is read by several tasks, cut inside lines.
    settings.put("ingest.split-mb", "1");
    AdlakeConfig config = config("parts", settings);
    // About 4 MB of CRLF lines behind a byte-order mark; every 1,000th line has a bad id.
    StringBuilder big = new StringBuilder("\uFEFF");
    int lines = 60_000;
    for (int line = 1; line <= lines; line++) {
      String id = line % 1000 == 0 ? "x" + line : String.valueOf(line);
      big.append(id).append('\t').append("name-").append(line).append('\t');
      big.append("a note long enough to spread the lines over a few parts").append("\r\n");
    }
    land(config, "partner/parts/big.tsv", big.toString());
    // In the same batch: a small good file, and one with too many bad lines.
    land(config, "partner/parts/small.tsv", "1\tann\tok\n2\tbob\tok\n");
    land(config, "partner/parts/bad.tsv", "1\tann\tok\nx\tbob\tno\ny\teve\tno\n");

    Ingestion.Report report = ingestion(config).run(config.feeds());

    assertThat(report.archived()).isEqualTo(2);
    assertThat(report.errored()).isEqualTo(1);
    SparkSession spark = TestPlatform.get().spark();
    Dataset<Row> rows =
        spark.table("it_parts.partner__parts").where("_object_key = 'partner/parts/big.tsv'");
    // Every good line once, at its own line number; no carriage return left in the last column.
    assertThat(rows.count()).isEqualTo(lines - lines / 1000);
    assertThat(rows.where("_line <> id").count()).isZero();
    assertThat(rows.where("note LIKE '%\r%'").count()).isZero();
    assertThat(rows.where("id = 1").first().getString(1)).isEqualTo("name-1");
    List<Long> rejected =
        spark
            .table("it_parts.partner__parts__rejects")
            .where("_object_key = 'partner/parts/big.tsv'")
            .orderBy("line")
            .select("line")
            .as(org.apache.spark.sql.Encoders.LONG())
            .collectAsList();
    assertThat(rejected).hasSize(lines / 1000);
    assertThat(rejected.get(0)).isEqualTo(1000L);
    assertThat(rejected.get(rejected.size() - 1)).isEqualTo((long) lines);
    // The bad file committed nothing: not a row, not a reject.
    assertThat(spark.table("it_parts.partner__parts").where("_object_key LIKE '%bad.tsv'").count())
        .isZero();
    assertThat(
            spark
                .table("it_parts.partner__parts__rejects")
                .where("_object_key LIKE '%bad.tsv'")
                .count())
        .isZero();
    Load bad =
        ledger().list(Optional.empty(), Optional.of("parts"), Optional.empty(), 10).stream()
            .filter(load -> load.objectKey().endsWith("bad.tsv"))
            .findFirst()
            .orElseThrow();
    assertThat(bad.error())
        .hasValueSatisfying(
            error -> assertThat(error).contains("2 of 3 rows").contains("line 2: field id"));
    assertThat(spark.table("it_parts.partner__parts").count()).isEqualTo(lines - lines / 1000 + 2);
  }

  @Test
  void generatedDayLoadsOnceMatchingTheTruthAndEveryFileIsArchived() throws IOException {
    AdlakeConfig config =
        config(
            "generated",
            Map.of(
                "feeds.events.prefix",
                BuiltInFeeds.ADSERVER_EVENTS,
                "feeds.events.format",
                "tsv",
                "feeds.events.table",
                "it_generated.adserver__events",
                "feeds.events.event-time",
                "timestamp",
                "feeds.events.schema",
                "ad_id int not null, campaign_id int not null, advertiser_id int not null,"
                    + " timestamp timestamp not null, impression_id string not null, ip string,"
                    + " user_id string, event string not null, url string, user_agent string"));
    GenerationReport report =
        AdDataGenerator.generate(
            new GeneratorOptions(
                7L,
                LocalDate.of(2026, 11, 1),
                1,
                20_000,
                config.landing().path(),
                config.expectedDirectory().resolveSibling("expected-it"),
                2),
            (done, total) -> {});
    Path expected =
        config
            .expectedDirectory()
            .resolveSibling("expected-it")
            .resolve(GeneratedFeeds.EXPECTED_HOURLY_FILE);
    long eventFiles;
    try (var files = Files.walk(config.landing().path().resolve(BuiltInFeeds.ADSERVER_EVENTS))) {
      eventFiles = files.filter(Files::isRegularFile).count();
    }

    Ingestion.Report first = ingestion(config).run(config.feeds());

    assertThat(first.discovered()).isEqualTo(eventFiles);
    assertThat(first.archived()).isEqualTo(eventFiles);
    assertThat(first.errored()).isZero();
    assertThat(first.rowsRead()).isEqualTo(report.adServerRows());
    assertThat(first.unmatched()).isNotEmpty().allMatch(key -> !key.startsWith("adserver/"));
    SparkSession spark = TestPlatform.get().spark();
    HourlyTruthCheck.Comparison comparison =
        HourlyTruthCheck.impressions(spark, "it_generated.adserver__events", expected);
    assertThat(comparison.mismatches()).isEmpty();
    assertThat(comparison.exact()).isTrue();
    // Every event file is in the archive, once, and no longer in the landing zone.
    try (var archived =
        Files.walk(config.ingest().archivePath().resolve(BuiltInFeeds.ADSERVER_EVENTS))) {
      assertThat(archived.filter(Files::isRegularFile).count()).isEqualTo(eventFiles);
    }
    try (var left = Files.walk(config.landing().path().resolve(BuiltInFeeds.ADSERVER_EVENTS))) {
      assertThat(left.filter(Files::isRegularFile).count()).isZero();
    }
    // Rejected lines are kept with file, line number and reason.
    List<Row> rejects =
        spark
            .sql(
                "SELECT _object_key, line, raw_line, reason FROM it_generated.adserver__events__rejects")
            .collectAsList();
    assertThat(rejects).hasSize((int) first.rowsRejected()).isNotEmpty();
    assertThat(rejects)
        .extracting(row -> row.getString(3))
        .anyMatch(reason -> reason.startsWith("line has 3 fields, expected 10"))
        .anyMatch(
            reason ->
                reason.startsWith("field timestamp: '2026-13-45T25:61:00.000Z' is not a timestamp"))
        .anyMatch(reason -> reason.startsWith("field ad_id: 'ad-"));
    assertThat(rejects)
        .allMatch(row -> row.getLong(1) > 0 && row.getString(0).startsWith("adserver/events/"));
    long rows = spark.table("it_generated.adserver__events").count();

    // The same files landing again are not loaded twice.
    AdDataGenerator.generate(
        new GeneratorOptions(
            7L,
            LocalDate.of(2026, 11, 1),
            1,
            20_000,
            config.landing().path(),
            config.expectedDirectory().resolveSibling("expected-it"),
            2),
        (done, total) -> {});
    Ingestion.Report second = ingestion(config).run(config.feeds());
    assertThat(second.discovered()).isZero();
    assertThat(second.alreadyLoaded()).isEqualTo(eventFiles);
    assertThat(spark.table("it_generated.adserver__events").count()).isEqualTo(rows);
  }

  @Test
  void aChangedFileUnderTheSameKeyReplacesTheRowsOfTheOldOne() throws IOException {
    AdlakeConfig config =
        config(
            "changed",
            feed(
                "daily",
                "it_changed.dmap__agg_sample",
                "prefix",
                "cubic/dmap/agg_sample/",
                "format",
                "csv",
                "schema",
                "day date not null, station string not null, riders int not null"));
    Path file =
        land(
            config,
            "cubic/dmap/agg_sample/20220304.csv",
            "day,station,riders\n2022-03-04,alewife,10\n2022-03-04,harvard,20\n2022-03-04,kendall,30\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2022-03-05T01:00:00Z")));
    ingestion(config).run(config.feeds());
    assertThat(sum("it_changed.dmap__agg_sample")).isEqualTo(60);

    file =
        land(
            config,
            "cubic/dmap/agg_sample/20220304.csv",
            "day,station,riders\n2022-03-04,alewife,11\n2022-03-04,harvard,22\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2022-03-05T02:00:00Z")));
    Ingestion.Report report = ingestion(config).run(config.feeds());

    assertThat(report.archived()).isEqualTo(1);
    assertThat(sum("it_changed.dmap__agg_sample")).isEqualTo(33);
    assertThat(TestPlatform.get().spark().table("it_changed.dmap__agg_sample").count())
        .isEqualTo(2);
    // Both versions are kept in the archive.
    try (var archived =
        Files.list(config.ingest().archivePath().resolve("cubic/dmap/agg_sample"))) {
      assertThat(archived.map(path -> path.getFileName().toString()).sorted().toList())
          .hasSize(2)
          .first()
          .isEqualTo("20220304.csv");
    }

    // A third version that fails leaves the second's rows where they are.
    file =
        land(
            config,
            "cubic/dmap/agg_sample/20220304.csv",
            "day,station,riders\n2022-03-04,alewife,many\n2022-03-04,harvard,lots\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2022-03-05T03:00:00Z")));
    Ingestion.Report failed = ingestion(config).run(config.feeds());
    assertThat(failed.errored()).isEqualTo(1);
    assertThat(sum("it_changed.dmap__agg_sample")).isEqualTo(33);
  }

  @Test
  void badInputEndsInAClearStatusAndNothingIsLost() throws IOException {
    AdlakeConfig config =
        config(
            "bad",
            feed(
                "partner",
                "it_bad.partner__feed",
                "prefix",
                "partner/feed/",
                "format",
                "csv",
                "schema",
                "id int not null, name string",
                "max-reject-ratio",
                "0.2"));
    land(config, "partner/feed/empty.csv", "");
    Path corrupt = config.landing().path().resolve("partner/feed/corrupt.csv.gz");
    Files.write(corrupt, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
    land(config, "partner/feed/notes.xml", "<a/>");
    land(config, "partner/feed/mostly-bad.csv", "id,name\n1,a\nx,b\ny,c\n");
    land(
        config,
        "partner/feed/good.csv",
        "id,name\n1,one\n2,two\n3,three\n4,four\n5,five\n,missing\n");
    gzip(
        config.landing().path().resolve("partner/feed/zipped.csv.gz"), "id,name\n6,six\n7,seven\n");
    land(config, "elsewhere/unknown.csv", "id\n1\n");

    Ingestion.Report report = ingestion(config).run(config.feeds());

    assertThat(report.unmatched()).containsExactly("elsewhere/unknown.csv");
    assertThat(config.landing().path().resolve("elsewhere/unknown.csv")).exists();
    Map<String, Load> loads = new LinkedHashMap<>();
    for (Load load :
        ledger().list(Optional.empty(), Optional.of("partner"), Optional.empty(), 100)) {
      loads.put(load.objectKey().substring("partner/feed/".length()), load);
    }
    assertThat(loads.get("empty.csv").status()).isEqualTo(LoadStatus.ARCHIVED);
    assertThat(loads.get("empty.csv").message()).contains("empty file: nothing to load");
    assertThat(loads.get("corrupt.csv.gz").status()).isEqualTo(LoadStatus.ERRORED);
    assertThat(loads.get("corrupt.csv.gz").error())
        .hasValueSatisfying(error -> assertThat(error).contains("corrupt gzip"));
    assertThat(loads.get("notes.xml").status()).isEqualTo(LoadStatus.ERRORED);
    assertThat(loads.get("notes.xml").error())
        .hasValueSatisfying(error -> assertThat(error).contains("unknown format"));
    assertThat(loads.get("mostly-bad.csv").status()).isEqualTo(LoadStatus.ERRORED);
    assertThat(loads.get("mostly-bad.csv").error())
        .hasValueSatisfying(
            error ->
                assertThat(error)
                    .contains("2 of 3 rows (66.67%) are rejected, above the limit of 20.00%")
                    .contains("line 3: field id: 'x' is not an integer"));
    assertThat(loads.get("good.csv").status()).isEqualTo(LoadStatus.ARCHIVED);
    assertThat(loads.get("good.csv").rowsRejected()).contains(1L);
    assertThat(loads.get("zipped.csv.gz").rowsWritten()).contains(2L);
    // Failed files are in the error folder, loaded ones in the archive; none is deleted.
    assertThat(config.ingest().errorPath().resolve("partner/feed/corrupt.csv.gz")).exists();
    assertThat(config.ingest().errorPath().resolve("partner/feed/notes.xml")).exists();
    assertThat(config.ingest().errorPath().resolve("partner/feed/mostly-bad.csv")).exists();
    assertThat(config.ingest().archivePath().resolve("partner/feed/good.csv")).exists();
    // Nothing of the refused file was committed.
    SparkSession spark = TestPlatform.get().spark();
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM it_bad.partner__feed WHERE _object_key LIKE '%mostly-bad%'")
                .first()
                .getLong(0))
        .isZero();
    assertThat(spark.table("it_bad.partner__feed").count()).isEqualTo(7);
    Row reject =
        spark.sql("SELECT line, raw_line, reason FROM it_bad.partner__feed__rejects").first();
    assertThat(reject.getLong(0)).isEqualTo(7);
    assertThat(reject.getString(1)).isEqualTo(",missing");
    assertThat(reject.getString(2)).isEqualTo("required field id is missing");
  }

  @Test
  void aLoadWhoseProcessDiedAfterCommittingIsCompletedNotWrittenAgain() throws Exception {
    AdlakeConfig config =
        config(
            "crash",
            feed(
                "crash",
                "it_crash.partner__crash",
                "prefix",
                "partner/crash/",
                "format",
                "csv",
                "schema",
                "id int not null"));
    land(config, "partner/crash/a.csv", "id\n1\n2\n3\n");
    LoadLedger ledger = ledger();
    Load discovered =
        ledger
            .discover(
                "crash",
                "partner/crash/a.csv",
                Files.size(config.landing().path().resolve("partner/crash/a.csv")),
                Files.getLastModifiedTime(config.landing().path().resolve("partner/crash/a.csv"))
                    .toInstant())
            .load();
    Load claimed = ledger.claim(List.of("crash")).orElseThrow();
    assertThat(claimed.id()).isEqualTo(discovered.id());
    // The commit happens; then the process "dies" before telling the ledger.
    new FileLoader(TestPlatform.get().spark(), new LocalLandingStore(config.landing().path()))
        .load(config.feed("crash"), claimed, false, Optional.empty());
    pretendClaimantDied(claimed.id());

    Ingestion.Report report = ingestion(config).run(config.feeds());

    assertThat(report.recovered()).isEqualTo(1);
    Load recovered = ledger.find(claimed.id()).orElseThrow();
    assertThat(recovered.status()).isEqualTo(LoadStatus.ARCHIVED);
    assertThat(recovered.message())
        .hasValueSatisfying(
            message -> assertThat(message).contains("completed after its process died"));
    assertThat(recovered.snapshotId()).isPresent();
    assertThat(TestPlatform.get().spark().table("it_crash.partner__crash").count()).isEqualTo(3);
  }

  @Test
  void aLoadWhoseProcessDiedBeforeCommittingIsLoadedAgain() throws Exception {
    AdlakeConfig config =
        config(
            "early",
            feed(
                "early",
                "it_early.partner__early",
                "prefix",
                "partner/early/",
                "format",
                "csv",
                "schema",
                "id int not null"));
    Path file = land(config, "partner/early/a.csv", "id\n1\n2\n");
    LoadLedger ledger = ledger();
    ledger.discover(
        "early",
        "partner/early/a.csv",
        Files.size(file),
        Files.getLastModifiedTime(file).toInstant());
    Load claimed = ledger.claim(List.of("early")).orElseThrow();
    pretendClaimantDied(claimed.id());

    ingestion(config).run(config.feeds());

    Load done = ledger.find(claimed.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(LoadStatus.ARCHIVED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(TestPlatform.get().spark().table("it_early.partner__early").count()).isEqualTo(2);
  }

  @Test
  void inferredSchemasEvolveAsTheFeedSays() throws IOException {
    AdlakeConfig config =
        config(
            "evolve",
            merge(
                feed(
                    "grow",
                    "it_evolve.grow",
                    "prefix",
                    "partner/grow/",
                    "format",
                    "csv",
                    "evolution",
                    "add-columns"),
                feed(
                    "keep",
                    "it_evolve.keep",
                    "prefix",
                    "partner/keep/",
                    "format",
                    "json",
                    "evolution",
                    "rescue"),
                feed(
                    "strict",
                    "it_evolve.strict",
                    "prefix",
                    "partner/strict/",
                    "format",
                    "csv",
                    "evolution",
                    "fail")));
    land(config, "partner/grow/1.csv", "id,name\n1,a\n");
    land(config, "partner/keep/1.json", "{\"id\":\"1\",\"name\":\"a\"}\n");
    land(config, "partner/strict/1.csv", "id,name\n1,a\n");
    ingestion(config).run(config.feeds());
    land(config, "partner/grow/2.csv", "id,name,country\n2,b,FR\n");
    land(config, "partner/keep/2.json", "{\"id\":\"2\",\"name\":\"b\",\"country\":\"FR\"}\n");
    land(config, "partner/strict/2.csv", "id,name,country\n2,b,FR\n");
    ingestion(config).run(config.feeds());

    SparkSession spark = TestPlatform.get().spark();
    assertThat(spark.sql("SELECT country FROM it_evolve.grow WHERE id = '2'").first().getString(0))
        .isEqualTo("FR");
    assertThat(spark.sql("SELECT _rescued FROM it_evolve.keep WHERE id = '2'").first().getString(0))
        .isEqualTo("{\"country\":\"FR\"}");
    Load refused =
        ledger()
            .list(Optional.of(LoadStatus.ERRORED), Optional.of("strict"), Optional.empty(), 5)
            .get(0);
    assertThat(refused.error())
        .hasValueSatisfying(
            error -> assertThat(error).contains("the file has columns the table lacks: country"));
  }

  @Test
  void partnerMappingFilesLoadThroughTheBuiltInFeedWithRejectsByLine() throws IOException {
    AdlakeConfig config = config("mappings", Map.of());
    Feed feed = config.feed("partner-mappings");
    assertThat(feed.table()).isEqualTo("raw.partner__mappings");
    // 40 good lines and 2 bad ones: 4.8% rejected, under the default limit of 5%.
    Instant start = Instant.parse("2026-11-23T10:00:00Z");
    StringBuilder csv =
        new StringBuilder(String.join(",", GeneratedFeeds.PARTNER_MAPPINGS_COLUMNS)).append('\n');
    for (int i = 0; i < 40; i++) {
      csv.append(
          "partner-%d,P%d-%04d,u-%d,%s,%s\n"
              .formatted(
                  i % 3,
                  i % 3,
                  i,
                  i,
                  i % 2 == 0 ? "eu-west" : "us-east",
                  start.plusSeconds(i * 3_600L)));
      if (i == 9) {
        csv.append("partner-0,,u-x,eu-west,2026-11-23T10:00:00Z\n"); // line 12
      }
      if (i == 19) {
        csv.append("partner-1,P1-9999,u-y,us-east,yesterday\n"); // line 23
      }
    }
    String key = BuiltInFeeds.PARTNER_MAPPINGS + "/2026-11-23.csv";
    land(config, key, csv.toString());

    Ingestion.Report report = ingestion(config).run(List.of(feed));

    assertThat(report.errored()).isZero();
    assertThat(report.archived()).isEqualTo(1);
    assertThat(report.rowsRejected()).isEqualTo(2);
    SparkSession spark = TestPlatform.get().spark();
    assertThat(spark.table(feed.table()).columns())
        .startsWith("partner", "partner_id", "user_id", "region", "event_time");
    assertThat(spark.table(feed.table()).count()).isEqualTo(40);
    Row first =
        spark
            .sql(
                "SELECT partner, partner_id, user_id, region, event_time, _line FROM "
                    + feed.table()
                    + " WHERE user_id = 'u-25'")
            .first();
    assertThat(first.getString(0)).isEqualTo("partner-1");
    assertThat(first.getString(1)).isEqualTo("P1-0025");
    assertThat(first.getString(2)).isEqualTo("u-25");
    assertThat(first.getString(3)).isEqualTo("us-east");
    assertThat(first.getTimestamp(4).toInstant()).isEqualTo(start.plusSeconds(25 * 3_600L));
    assertThat(first.getLong(5)).isEqualTo(29);
    // Partitioned by day of seen_at: 40 hours from 10:00 span three days.
    assertThat(spark.sql("SELECT * FROM " + feed.table() + ".partitions").count()).isEqualTo(3);
    List<Row> rejects =
        spark
            .sql(
                "SELECT _object_key, line, raw_line, reason FROM "
                    + feed.rejectsTable()
                    + " ORDER BY line")
            .collectAsList();
    assertThat(rejects).hasSize(2).allMatch(row -> row.getString(0).equals(key));
    assertThat(rejects.get(0).getLong(1)).isEqualTo(12);
    assertThat(rejects.get(0).getString(2))
        .isEqualTo("partner-0,,u-x,eu-west,2026-11-23T10:00:00Z");
    assertThat(rejects.get(0).getString(3)).isEqualTo("required field partner_id is missing");
    assertThat(rejects.get(1).getLong(1)).isEqualTo(23);
    assertThat(rejects.get(1).getString(3))
        .startsWith("field seen_at: 'yesterday' is not a timestamp");
    assertThat(config.ingest().archivePath().resolve(key)).exists();
  }

  @Test
  void partnersBatchFeedsEqualTheTruth() throws Exception {
    AdlakeConfig config = config("partners", Map.of());
    Path expected = config.landing().path().resolveSibling("expected");
    BrowsingGenerator.generate(
        BrowsingOptions.defaults(
                9L,
                LocalDate.of(2026, 11, 1),
                config.landing().path(),
                config.landing().path().resolveSibling("sharethis-bucket"),
                expected)
            .withSize(300, 600, 3_000, 4_000),
        hour -> {});
    List<Feed> partners =
        config.feeds().stream()
            .filter(
                feed ->
                    feed.name().equals("xandr-standard-feed")
                        || feed.name().startsWith("domain-categories-"))
            .toList();
    assertThat(partners).hasSize(3);

    Ingestion.Report report = ingestion(config).run(partners);

    assertThat(report.errored()).isZero();
    PartnerTruthCheck.Comparison comparison =
        PartnerTruthCheck.compare(
            TestPlatform.get().spark(),
            "raw.xandr_standard_feed",
            "raw.domain_categories_partner",
            "raw.domain_categories_vendor",
            expected);
    assertThat(comparison.differences()).isEmpty();
    assertThat(comparison.figures()).hasSize(12 + 2).allMatch(figure -> !figure.contains("none"));
    // Every label names a category of the Content Taxonomy.
    List<String> unknown =
        TestPlatform.get()
            .spark()
            .sql(
                "SELECT category_id FROM raw.domain_categories_vendor UNION ALL"
                    + " SELECT iab_tier2_id FROM raw.domain_categories_partner")
            .collectAsList()
            .stream()
            .map(row -> row.getString(0))
            .filter(id -> ContentTaxonomy.shipped().category(id).isEmpty())
            .toList();
    assertThat(unknown).isEmpty();
  }

  @Test
  void everyLoadModeEndsInItsTrueState() throws Exception {
    AdlakeConfig config = config("modes", Map.of());
    Path expected = config.landing().path().resolveSibling("expected");
    ReferenceDataGenerator.generate(5L, config.landing().path(), expected, 60);

    List<String> lines = new ArrayList<>();
    Ingestion.Report report = ingestion(config, lines::add).run(config.feeds());

    assertThat(report.errored()).isZero();
    // Every mode's files are parsed in Spark tasks, a file at a time for snapshots and changes.
    for (String feed : List.of("ods-sample", "ods-sample-changes", "infobase-attributes")) {
      assertThat(lines).anyMatch(line -> line.startsWith(feed + ": parsing 1 file(s)"));
    }
    assertThat(lines)
        .anyMatch(line -> line.contains("started snapshot_dt=2025-10-22"))
        .anyMatch(line -> line.contains("applied to raw.cubic__ods_qlik__edw_sample"));
    SparkSession spark = TestPlatform.get().spark();
    // Full snapshot, then change records applied in order: the true final state.
    List<String> actual =
        spark
            .sql("SELECT id, name, fare FROM raw.cubic__ods_qlik__edw_sample ORDER BY id")
            .collectAsList()
            .stream()
            .map(
                row ->
                    row.getInt(0)
                        + ","
                        + row.getString(1)
                        + ","
                        + row.getDecimal(2).toPlainString())
            .toList();
    List<String> truth =
        Files.readAllLines(expected.resolve(ReferenceDataGenerator.EXPECTED_ODS_FILE));
    assertThat(actual).isEqualTo(truth.subList(1, truth.size()));
    assertThat(spark.table("raw.cubic__ods_qlik__edw_sample__ct").count()).isPositive();
    try (var connection = TestPlatform.get().metadata().dataSource().getConnection();
        var statement = connection.createStatement();
        var result =
            statement.executeQuery(
                "SELECT count(*) FROM adlake.table_snapshots WHERE table_name = 'raw.cubic__ods_qlik__edw_sample'")) {
      result.next();
      assertThat(result.getLong(1)).isEqualTo(1);
    }
    // Daily files appended.
    Map<?, ?> reference =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(
                expected.resolve(ReferenceDataGenerator.EXPECTED_REFERENCE_FILE).toFile(),
                Map.class);
    assertThat(
            spark
                .sql("SELECT count(*), sum(riders) FROM raw.cubic__dmap__agg_sample")
                .first()
                .toString())
        .isEqualTo("[" + reference.get("dmap_rows") + "," + reference.get("dmap_riders") + "]");
    // Dated snapshots: the latest is the table, and the table says which it is.
    assertThat(spark.table("raw.omc__infobase_attributes").count())
        .isEqualTo(((Number) reference.get("snapshot_latest_rows")).longValue());
    assertThat(tableProperty("raw.omc__infobase_attributes", "adlake.snapshot-dt"))
        .isEqualTo("2025-10-22");
    assertThat(
            spark
                .sql("DESCRIBE TABLE EXTENDED raw.omc__infobase_attributes")
                .collectAsList()
                .stream()
                .filter(row -> row.getString(0).equals("Comment"))
                .map(row -> row.getString(1))
                .findFirst())
        .contains("Loaded from snapshot_dt=2025-10-22");

    // The older folder left in the landing zone is not taken for the latest on the next run.
    ingestion(config).run(config.feeds());
    assertThat(tableProperty("raw.omc__infobase_attributes", "adlake.snapshot-dt"))
        .isEqualTo("2025-10-22");

    // A given date can be forced: the older snapshot replaces the table.
    ingestion(config)
        .forcingSnapshotDate(Optional.of(LocalDate.of(2025, 10, 15)))
        .run(config.feeds());
    assertThat(tableProperty("raw.omc__infobase_attributes", "adlake.snapshot-dt"))
        .isEqualTo("2025-10-15");
    assertThat(spark.table("raw.omc__infobase_attributes").count()).isEqualTo(30);

    // A newer snapshot whose file is mostly bad fails whole: the table keeps the one it had.
    Path bad =
        config
            .landing()
            .path()
            .resolve("omc/infobase_attributes/raw_input/snapshot_dt=2025-10-29/part-0.csv");
    Files.createDirectories(bad.getParent());
    Files.writeString(bad, "customer_user_id,segment,score\nu1,a,1\nu2,b,two\nu3,c,three\n");
    Ingestion.Report failed = ingestion(config).run(config.feeds());
    assertThat(failed.errored()).isEqualTo(1);
    assertThat(tableProperty("raw.omc__infobase_attributes", "adlake.snapshot-dt"))
        .isEqualTo("2025-10-15");
    assertThat(spark.table("raw.omc__infobase_attributes").count()).isEqualTo(30);
  }

  @Test
  void avroAndParquetFilesLoadWithRejectsByRecord() throws Exception {
    AdlakeConfig binary =
        config(
            "binary",
            merge(
                feed(
                    "avro",
                    "it_binary.partner__avro",
                    "prefix",
                    "partner/avro/",
                    "format",
                    "avro",
                    "schema",
                    "id int not null, name string, seen timestamp",
                    "max-reject-ratio",
                    "0.5"),
                feed(
                    "parquet",
                    "it_binary.partner__parquet",
                    "prefix",
                    "partner/parquet/",
                    "format",
                    "parquet",
                    "schema",
                    "id int not null, name string, price decimal(10,2), seen timestamp,"
                        + " day date")));
    Path landing = binary.landing().path();
    org.apache.avro.Schema schema =
        new org.apache.avro.Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"id\",\"type\":[\"null\",\"string\"]},"
                    + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"seen\",\"type\":\"long\"}]}");
    Path avro = landing.resolve("partner/avro/a.avro");
    Files.createDirectories(avro.getParent());
    try (org.apache.avro.file.DataFileWriter<org.apache.avro.generic.GenericRecord> writer =
        new org.apache.avro.file.DataFileWriter<>(
            new org.apache.avro.generic.GenericDatumWriter<>(schema))) {
      writer.create(schema, avro.toFile());
      for (String id : new String[] {"1", "2", "x", null}) {
        org.apache.avro.generic.GenericRecord record =
            new org.apache.avro.generic.GenericData.Record(schema);
        record.put("id", id);
        record.put("name", "n" + id);
        record.put("seen", 1_762_000_000_000L);
        writer.append(record);
      }
    }
    SparkSession spark = TestPlatform.get().spark();
    Path parquetFolder = landing.resolveSibling("parquet-out");
    spark
        .sql(
            "SELECT CAST(id AS INT) AS id, concat('p', id) AS name,"
                + " CAST(id * 1.25 AS DECIMAL(10,2)) AS price,"
                + " timestamp_seconds(1762000000 + id) AS seen,"
                + " date_add(DATE'2025-11-01', CAST(id AS INT)) AS day FROM range(1, 6)")
        .coalesce(1)
        .write()
        .parquet(parquetFolder.toString());
    try (var files = Files.list(parquetFolder)) {
      Path part =
          files.filter(file -> file.toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.createDirectories(landing.resolve("partner/parquet"));
      Files.copy(part, landing.resolve("partner/parquet/p.parquet"));
    }

    List<String> lines = new ArrayList<>();
    Ingestion.Report report = ingestion(binary, lines::add).run(binary.feeds());

    assertThat(report.errored()).isZero();
    assertThat(report.archived()).isEqualTo(2);
    // Read by record in Spark tasks, as text files are by line.
    assertThat(lines)
        .anyMatch(line -> line.startsWith("avro: parsing 1 file(s)"))
        .anyMatch(line -> line.startsWith("parquet: parsing 1 file(s)"));
    // Parquet's own types (Spark's INT96 timestamps, decimals, dates) keep their values.
    assertThat(
            spark
                .sql(
                    "SELECT id, name, price, CAST(seen AS STRING), day"
                        + " FROM it_binary.partner__parquet ORDER BY id")
                .collectAsList())
        .extracting(Row::toString)
        .hasSize(5)
        .startsWith("[1,p1,1.25,2025-11-01 12:26:41,2025-11-02]")
        .endsWith("[5,p5,6.25,2025-11-01 12:26:45,2025-11-06]");
    assertThat(
            spark
                .sql(
                    "SELECT id, name, CAST(seen AS STRING) FROM it_binary.partner__avro ORDER BY id")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[1,n1,2025-11-01 12:26:40]", "[2,n2,2025-11-01 12:26:40]");
    assertThat(
            spark
                .sql("SELECT line, reason FROM it_binary.partner__avro__rejects ORDER BY line")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[3,field id: 'x' is not an integer]", "[4,required field id is missing]");
  }

  private static String tableProperty(String table, String key) {
    return TestPlatform.get()
        .spark()
        .sql("SHOW TBLPROPERTIES %s ('%s')".formatted(table, key))
        .first()
        .getString(1);
  }

  @SafeVarargs
  private static Map<String, String> merge(Map<String, String>... maps) {
    Map<String, String> merged = new LinkedHashMap<>();
    for (Map<String, String> map : maps) {
      merged.putAll(map);
    }
    return merged;
  }

  private static long sum(String table) {
    return TestPlatform.get().spark().sql("SELECT sum(riders) FROM " + table).first().getLong(0);
  }

  private static void gzip(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Marks a load as claimed by a process that has ended, as after a kill. */
  static void pretendClaimantDied(long loadId) throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    try (var connection = TestPlatform.get().metadata().dataSource().getConnection();
        var statement =
            connection.prepareStatement(
                "UPDATE adlake.loads SET claimed_pid = ? WHERE load_id = ?")) {
      statement.setLong(1, ended.pid());
      statement.setLong(2, loadId);
      statement.executeUpdate();
    }
  }
}
