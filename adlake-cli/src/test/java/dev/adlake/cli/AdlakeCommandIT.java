package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The adlake command as a user runs it, in this JVM. */
class AdlakeCommandIT {
  record Result(int exitCode, String out, String err) {}

  static Result adlake(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        AdlakeCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** The quickstart's line with the token it made: the token in group 1. */
  private static final String TOKEN_LINE =
      "API token +(adl_[A-Za-z0-9_-]{43}) +\\(scope admin, named 'quickstart'";

  @Test
  void invalidConfigurationFailsBeforeAnythingStartsListingEveryProblem(@TempDir Path directory)
      throws IOException {
    Path file =
        Files.writeString(
            directory.resolve("bad.yaml"),
            """
            metadata:
              pool-size: -1
            lake:
              warehouse: "not a uri"
            kafka:
              bootstrap-servers: "localhost"
            sparkk:
              master: local[2]
            """);
    Path home = directory.resolve("home");
    Result result = adlake("--home", home.toString(), "--config", file.toString(), "quickstart");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Invalid configuration, 4 problems")
        .contains("metadata.pool-size = '-1' (bad.yaml line 2): must be an integer from 1 to 200")
        .contains("lake.warehouse = 'not a uri' (bad.yaml line 4)")
        .contains("kafka.bootstrap-servers = 'localhost' (bad.yaml line 6)")
        .contains("sparkk.master = 'local[2]' (bad.yaml line 8): unknown key");
    assertThat(home).doesNotExist();
  }

  @Test
  void quickstartRunsEndToEndAndItsHomeServesTheClis(@TempDir Path home) {
    String[] quickstart = {
      "--home",
      home.toString(),
      "--set",
      "spark.master=local[2]",
      "quickstart",
      "--events",
      "20000",
      "--stream-minutes",
      "1",
      // A quarter of the partners' browsing: the classification and the enricher's page views
      // cost the most; 'adlake quickstart' itself runs the full size.
      "--page-views",
      "60000",
      "--no-serve"
    };
    Result first = adlake(quickstart);
    assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
    assertThat(first.out())
        .contains("Starting PostgreSQL (embedded")
        .contains("Starting Kafka (embedded")
        .contains("Generating 1 day(s) of 20,000 impressions")
        .containsPattern("impressions per ad and hour: ([\\d,]+) of \\1 equal")
        .containsPattern(
            "serving store, impressions, clicks, conversions, sessions and users per ad and hour:"
                + " ([\\d,]+) of \\1 equal")
        .contains("raw.adserver__events ")
        .containsPattern("loads by status: archived \\d+")
        .containsPattern("stream events, .* per source: (\\d+) of \\1 figures equal")
        .containsPattern("partners' browsing: [\\d,]+ ShareThis page views")
        .containsPattern(
            "Xandr log-level impressions, clicks and cost per advertiser, category labels: (\\d+)"
                + " of \\1 figures equal")
        .containsPattern("ingested-tracker +\\d+ partition\\(s\\): [\\d,]+ record\\(s\\)")
        .containsPattern(
            "identity graph: ([\\d,]+) of \\1 true users \\([1-9][\\d,]* of them browsing people"
                + " with partner ids\\) found as one component each, (\\d+) of \\2 hubs set aside")
        .contains("6. Maintenance plan (dry run")
        // Every feed is loaded in Spark tasks, a commit per batch or per ordered file: no table
        // of the quickstart has enough small files to be due for compaction (MaintenanceIT
        // covers compaction).
        .containsPattern("serving\\.users +90d +retention +0 ")
        .containsPattern("clean-room bucketed tables, .*: (\\d+) of \\1 equal")
        .containsPattern("cleanroom\\.bucketed_ibe_01 +[\\d,]+ rows  Bucketed table created from")
        .containsPattern("\\d+ rows? shown; [1-9]\\d* groups? held back by the aggregation")
        .contains("Query refused: ")
        .containsPattern(
            "PostgreSQL ready: jdbc:postgresql://127.0.0.1:\\d+/adlake \\(user postgres,"
                + " password in .*postgres-password\\)")
        .containsPattern("metrics +http://127.0.0.1:8420/metrics")
        .containsPattern(TOKEN_LINE);
    Map<String, Long> firstTables = tableCounts(first.out());
    assertThat(firstTables)
        .containsKeys(
            "raw.adserver__events",
            "raw.tracker__clicks",
            "raw.cubic__ods_qlik__edw_sample",
            "raw.cubic__dmap__agg_sample",
            "raw.omc__infobase_attributes",
            "raw.xandr_standard_feed",
            "raw.domain_categories_partner",
            "raw.domain_categories_vendor",
            "raw.partner__mappings");
    assertThat(firstTables.get("raw.adserver__events")).isGreaterThan(20_000);

    // A second quickstart on the same home (that it loads no file twice) is not run here: it
    // doubled this test's time, and CI must stay under its limit. The load ledger's once-only
    // loads are tested by JdbcLoadLedgerIT and IngestProcessesIT.
    assertThat(home.resolve("postgres").resolve("PG_VERSION")).exists();

    // The quickstart printed an admin token; 'adlake tokens' lists it (never its secret) and makes
    // and revokes others.
    Matcher firstToken = Pattern.compile(TOKEN_LINE).matcher(first.out());
    assertThat(firstToken.find()).isTrue();
    Result created =
        adlake("--home", home.toString(), "tokens", "create", "grafana", "--scope", "read");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).containsPattern("Token 'grafana' \\(scope read\\):\\nadl_");
    assertThat(adlake("--home", home.toString(), "tokens", "revoke", "grafana").out())
        .contains("Revoked token 'grafana' (scope read).");
    Result duplicate =
        adlake("--home", home.toString(), "tokens", "create", "quickstart", "--scope", "read");
    assertThat(duplicate.exitCode()).isNotZero();
    assertThat(duplicate.err()).contains("A live token is named 'quickstart': revoke it first");
    String listed = adlake("--home", home.toString(), "tokens", "list").out();
    assertThat(listed.lines().filter(line -> line.startsWith("quickstart ")).toList())
        .singleElement()
        .satisfies(line -> assertThat(line).containsPattern("admin +adl_\\S{6}… .* - +\\S+"));
    assertThat(listed).doesNotContain(firstToken.group(1));

    // The quickstart's home passes the deployment checks: secrets owner-only, passwords asked.
    Result doctor = adlake("--home", home.toString(), "doctor");
    assertThat(doctor.exitCode()).as(doctor.out()).isZero();
    assertThat(doctor.out())
        .containsPattern("ok +metadata password +the embedded PostgreSQL asks every connection")
        .containsPattern("ok +secret files +only their owner reads")
        .contains("0 failure(s)");

    // An errored file is retried once its cause is fixed: here, a reject limit too strict for
    // the small click files of a 20,000-impression day.
    Result errored = adlake("--home", home.toString(), "loads", "--status", "errored");
    assertThat(errored.out())
        .contains("tracker-clicks")
        .contains("are rejected, above the limit of 5.00%");
    Result retry = adlake("--home", home.toString(), "loads", "retry", "--feed", "tracker-clicks");
    assertThat(retry.exitCode()).as(retry.err()).isZero();
    assertThat(retry.out()).contains("is ready again").contains("re-queued");
    Result ingest =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "--set",
            "ingest.max-reject-ratio=0.5",
            "ingest",
            "--feed",
            "tracker-clicks");
    assertThat(ingest.exitCode()).as(ingest.out() + ingest.err()).isZero();
    assertThat(ingest.out()).contains("archived, 0 errored");
    assertThat(adlake("--home", home.toString(), "loads", "--status", "errored").out())
        .contains("No loads match");

    Result runs = adlake("--home", home.toString(), "runs", "--limit", "100");
    assertThat(runs.exitCode()).isZero();
    // One run per feed, the ad metrics, the enricher, the user-ids mapper, the mapping
    // publisher, the archive, the two partner ingesters, the two classification jobs and the six
    // clean-room jobs of the quickstart, and the retry's ingest.
    assertThat(runs.out().lines().filter(line -> line.contains("succeeded")).count()).isEqualTo(28);

    // The clean room's tables answer queries under the collaboration's rules, and refuse others.
    Result allowed =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "cleanroom",
            "query",
            "SELECT gender, COUNT(DISTINCT customer_user_id) AS users FROM part_ibe_01"
                + " GROUP BY gender ORDER BY gender");
    assertThat(allowed.exitCode()).as(allowed.out() + allowed.err()).isZero();
    assertThat(allowed.out())
        .contains("gender | users\n")
        .containsPattern("\\d+ rows? shown; \\d+ groups? held back by the aggregation threshold");
    Result refused =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "cleanroom",
            "query",
            "SELECT gender, SUM(household_size) FROM part_ibe_01 GROUP BY gender");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .contains(
            "Query refused: SUM(household_size): the aggregation rule of part_ibe_01 does not"
                + " allow SUM of column household_size");
    // The table catalog's listing, and Spark SQL on the lake, agree with the quickstart's counts.
    String events = Console.count(firstTables.get("raw.adserver__events"));
    Result tables = adlake("--home", home.toString(), "--set", "spark.master=local[2]", "tables");
    assertThat(tables.exitCode()).as(tables.err()).isZero();
    assertThat(tables.out())
        .containsPattern(
            "raw\\.adserver__events +lake +Ingestion +days\\(event_time\\) +forever by event_time +"
                + events
                + " ")
        .containsPattern("serving\\.metrics_hourly +serving +Reporting .* [\\d,]+ +[\\d.]+ [KM]iB")
        .contains("streams.failed_events")
        .contains("30d by kafka_timestamp");
    Result count =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "sql",
            "SELECT count(*) AS n FROM raw.adserver__events");
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out()).contains(events.replace(",", "")).contains("(1 row)");
    Result csv =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "sql",
            "--csv",
            "SELECT ad_id, impressions FROM reporting.ad_hourly ORDER BY ad_id, hour LIMIT 3");
    assertThat(csv.out().lines().toList()).hasSize(4).first().isEqualTo("ad_id,impressions");
    Result wrong = adlake("--home", home.toString(), "sql", "SELECT * FROM raw.nothing_here");
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err()).contains("Cannot run the query").contains("nothing_here");

    // A backfill of the day recomputes its hours; run again, it skips the day already done.
    Result backfill =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "backfill",
            "ad-metrics",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02");
    assertThat(backfill.exitCode()).as(backfill.out() + backfill.err()).isZero();
    assertThat(backfill.out())
        .containsPattern("2026-11-01  run \\d+: .* 24 hours_replaced")
        .containsPattern("2026-11-02  run \\d+: ")
        .contains("2 day(s) run now");
    Result again =
        adlake(
            "--home",
            home.toString(),
            "backfill",
            "ad-metrics",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-01");
    assertThat(again.out())
        .contains("2026-11-01  skipped: already done")
        .contains("0 day(s) run now");

    // One domain of the pipeline, by hand: nothing new to roll up, so ad-metrics has nothing to do.
    Result reporting =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "pipeline",
            "run",
            "--only",
            "reporting");
    assertThat(reporting.exitCode()).as(reporting.out() + reporting.err()).isZero();
    assertThat(reporting.out())
        .contains("Running the pipeline (only Reporting): 1 jobs")
        .containsPattern("\\[1/1\\] ad-metrics +run \\d+ .* 0 loads_rolled_up")
        // Pipeline runs 1 and 2: the quickstart's pipeline, then its clean room's.
        .containsPattern("Pipeline run 3 succeeded in [\\d.]+ s: 1 succeeded, 0 failed, 0 skipped");

    Result pipelines = adlake("--home", home.toString(), "runs", "--pipelines");
    assertThat(pipelines.out())
        .containsPattern("(?m)^1 +succeeded .* 21 +21 +0 +0  quickstart / all jobs$")
        .containsPattern("(?m)^2 +succeeded .* 6 +6 +0 +0  quickstart / .*$");

    // Upkeep of the change records' table (loaded in Spark tasks, so its data files are few and
    // its manifests many): what it did is recorded in the history.
    Result upkeep =
        adlake(
            "--home",
            home.toString(),
            "--set",
            "spark.master=local[2]",
            "maintenance",
            "run",
            "--table",
            "raw.cubic__ods_qlik__edw_sample__ct");
    assertThat(upkeep.exitCode()).as(upkeep.out() + upkeep.err()).isZero();
    assertThat(upkeep.out())
        .containsPattern("Run \\d+ of apply-retention succeeded .* 0 tables_cleaned")
        .containsPattern(
            "Run \\d+ of table-upkeep succeeded .* 1 tables, [1-9][\\d,]* files_removed");
    // The console's changes, each in the audit log with who made it.
    Result audit = adlake("--home", home.toString(), "audit");
    assertThat(audit.exitCode()).as(audit.err()).isZero();
    String consoleUser = System.getProperty("user.name") + "@";
    assertThat(audit.out())
        .containsPattern("(?m)" + consoleUser + "\\S+ +maintenance.run +table-upkeep ")
        .containsPattern("(?m)" + consoleUser + "\\S+ +pipeline.run +only Reporting ")
        .containsPattern("(?m)" + consoleUser + "\\S+ +loads.retry +tracker-clicks ")
        .containsPattern("(?m) +token.create +quickstart ");
    Result history = adlake("--home", home.toString(), "maintenance", "history");
    assertThat(history.exitCode()).as(history.err()).isZero();
    assertThat(history.out())
        .containsPattern("raw\\.cubic__ods_qlik__edw_sample__ct +0 +-?[\\d.]+ [KMG]?B +\\d+ ")
        .containsPattern(
            "raw\\.cubic__ods_qlik__edw_sample__ct +(compact|rewrite-manifests) +0 +[1-9]");
  }

  @Test
  void lineageIsAMermaidFlowchartOfTheRegisteredJobs() {
    Result result = adlake("lineage", "--markdown");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("```mermaid\nflowchart LR\n")
        .contains("subgraph domain_ingestion [Ingestion]")
        .contains("job_ingest_adserver_events(ingest-adserver-events)")
        .contains("files_adserver_events --> job_ingest_adserver_events")
        .contains("classDef userdata")
        .endsWith("```\n");

    Result table = adlake("lineage", "--table", "identity.user_ids");
    assertThat(table.exitCode()).isZero();
    assertThat(table.out())
        .startsWith("identity.user_ids  (Iceberg lake, owned by Cookie mapping)\n")
        .contains("  written by:  user-ids-mapper (Cookie mapping)\n")
        .contains("  read by:     mapping-publisher (Reporting enablement)\n")
        .contains("files partner/mappings/")
        .contains("serving_table serving.map_*");
    Result unknown = adlake("lineage", "--table", "raw.nope");
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.err()).contains("No table named 'raw.nope'");
  }

  @Test
  void thePipelineOrdersTheJobsByTheirDatasetsAndExportsTheSameGraphToAirflow(
      @TempDir Path directory) throws Exception {
    Result show = adlake("--home", directory.resolve("home").toString(), "pipeline", "show");
    assertThat(show.exitCode()).as(show.err()).isZero();
    java.util.List<String> order =
        show.out()
            .lines()
            .filter(line -> line.matches(" +\\d+\\. .*"))
            .map(line -> line.trim().split(" +")[1])
            .toList();
    assertThat(order).hasSize(21);
    assertThat(order.indexOf("partner-events"))
        .isGreaterThan(order.indexOf("raw-ingest-sharethis"))
        .isLessThan(order.indexOf("enricher"));
    assertThat(order.indexOf("domain-clusters"))
        .isGreaterThan(order.indexOf("enricher"))
        .isGreaterThan(order.indexOf("ingest-domain-categories-vendor"));
    assertThat(order.indexOf("domain-iab-category"))
        .isGreaterThan(order.indexOf("domain-clusters"));
    // Registered after the ingest jobs but before the enricher, ad-metrics runs after what it
    // reads.
    assertThat(order.indexOf("ad-metrics"))
        .isGreaterThan(order.indexOf("ingest-adserver-events"))
        .isGreaterThan(order.indexOf("ingest-tracker-conversions"));
    assertThat(order.indexOf("user-ids-mapper"))
        .isGreaterThan(order.indexOf("enricher"))
        .isGreaterThan(order.indexOf("ingest-partner-mappings"));
    assertThat(order.indexOf("mapping-publisher")).isGreaterThan(order.indexOf("user-ids-mapper"));
    assertThat(order.indexOf("archive-topics")).isGreaterThan(order.indexOf("enricher"));
    assertThat(show.out())
        .contains("ad-metrics")
        .contains(
            "after ingest-adserver-events (raw.adserver__events), ingest-tracker-conversions");
    // No home folder is made: showing the pipeline starts nothing.
    assertThat(directory.resolve("home")).doesNotExist();

    Path dag = directory.resolve("dags/adlake.py");
    Result export =
        adlake(
            "pipeline", "export", "--airflow", "--output", dag.toString(), "--schedule", "@daily");
    assertThat(export.exitCode()).as(export.err()).isZero();
    String python = Files.readString(dag);
    assertThat(python)
        .contains("dag_id=\"adlake\"")
        .contains("schedule=\"@daily\"")
        .contains(
            "enricher = BashOperator(task_id=\"enricher\", bash_command=\"adlake run enricher -p"
                + " once=true\")")
        .contains("ingest_adserver_events >> ad_metrics")
        .contains("user_ids_mapper >> mapping_publisher");
    // Valid Python, whose edges are those of the pipeline.
    Process parse =
        new ProcessBuilder(
                "python3",
                "-c",
                "import ast,sys; tree = ast.parse(open(sys.argv[1]).read());"
                    + " print(sum(1 for n in ast.walk(tree) if isinstance(n, ast.BinOp)"
                    + " and isinstance(n.op, ast.RShift)))",
                dag.toString())
            .redirectErrorStream(true)
            .start();
    String edges = new String(parse.getInputStream().readAllBytes()).trim();
    assertThat(parse.waitFor()).as(edges).isZero();
    long arrows =
        show.out()
            .lines()
            .filter(line -> line.contains(" after "))
            .mapToLong(line -> line.split("\\), ").length)
            .sum();
    assertThat(Long.parseLong(edges)).isEqualTo(arrows);
  }

  @Test
  void aBackfillOfAJobWithoutADayIsRefusedNamingTheJobsThatHaveOne(@TempDir Path home) {
    Result result =
        adlake(
            "--home",
            home.toString(),
            "backfill",
            "enricher",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "Cannot backfill job enricher: it takes no 'day' parameter; jobs that do: ad-metrics");
  }

  @Test
  void everySubcommandHasHelpWithExamples() {
    CommandLine root =
        AdlakeCommand.commandLine(
            new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    for (Map.Entry<String, CommandLine> subcommand : root.getSubcommands().entrySet()) {
      if (subcommand.getKey().equals("help")) {
        continue;
      }
      String usage = subcommand.getValue().getUsageMessage();
      assertThat(usage).as(subcommand.getKey()).contains("Usage: adlake " + subcommand.getKey());
      if (subcommand.getValue().getSubcommands().isEmpty()) {
        assertThat(usage).as(subcommand.getKey()).containsPattern("Examples?:");
      }
    }
    Result help = adlake("help", "generate");
    assertThat(help.out()).contains("--events").contains("Examples:");
  }

  @Test
  void unknownJobIsAUserErrorNamingTheKnownJobs(@TempDir Path home) {
    Result result = adlake("--home", home.toString(), "run", "load-everything");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("No job named 'load-everything'; known jobs: ingest-adserver-events");
  }

  private static Map<String, Long> tableCounts(String out) {
    Map<String, Long> counts = new LinkedHashMap<>();
    Matcher matcher =
        Pattern.compile("(?m)^  ((?:raw|streams)\\.\\S+)\\s+([\\d,]+) rows$").matcher(out);
    while (matcher.find()) {
      counts.put(matcher.group(1), Long.parseLong(matcher.group(2).replace(",", "")));
    }
    return counts;
  }
}
