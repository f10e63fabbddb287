package dev.adlake.spark.flywheel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.FlywheelConfig;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.flywheel.report.Collaboration;
import dev.adlake.spark.flywheel.report.CollaborationSources;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The clean-room report, as the design's {@code generate-cleanrooms-report}: the collaboration's
 * tables (with the prefix) beside the catalog's, and its identity-resolution setup, written as
 * {@code <prefix>_Cleanroom_Report_YYYYMMDD_HHMMSS.json} with {@code _Tables.csv} and {@code
 * _IdentityResolution.csv} beside it in {@code flywheel.reports}.
 *
 * <p>A table is ready for analysis when its catalog table exists, its configured table is active
 * and associated with the membership, and it has an analysis rule; the report says what is missing
 * otherwise. A bucketed table of the catalog that no configured table exposes is listed as {@code
 * NOT_CONFIGURED}.
 */
public final class CleanroomsReportJob implements SparkJob {
  public static final String NAME = "cleanrooms-report";

  /** The columns of the tables report, in order. */
  public static final List<String> TABLE_COLUMNS =
      List.of(
          "table_name",
          "catalog_table",
          "in_catalog",
          "snapshot_dt",
          "configured_table_status",
          "association_status",
          "analysis_providers",
          "analysis_rules",
          "ready_for_analysis",
          "not_ready_because");

  /** The columns of the identity-resolution report, in order. */
  public static final List<String> IDENTITY_COLUMNS =
      List.of(
          "id_namespace",
          "namespace_type",
          "method",
          "source_database",
          "region",
          "table",
          "schema_mapping",
          "unique_id",
          "input_field",
          "field_type",
          "match_key");

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.CLEAN_ROOM,
          JobKind.BATCH,
          "Reports the clean room's tables (configured, associated, rules, ready) and identity"
              + " resolution as JSON and two CSV files",
          List.of(
              Dataset.tables(FlywheelLayout.CLEANROOM + "." + FlywheelLayout.BUCKETED_PREFIX + "*"),
              Dataset.tables(FlywheelLayout.CLEANROOM + ".part_*" + FlywheelLayout.ER_SUFFIX),
              Dataset.external("clean-room collaboration")),
          List.of(Dataset.files("cleanrooms-reports/")),
          List.of());

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  /** The report's three files. */
  public record Paths(URI json, URI tables, URI identity) {}

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    SparkSession spark = context.spark();
    FlywheelConfig config = FlywheelConfig.of(context.config());
    Collaboration collaboration =
        CollaborationSources.load(config, spark.sparkContext().hadoopConfiguration());
    List<String> catalog = BucketedTablesJob.tables(spark, FlywheelLayout.CLEANROOM, "");
    List<Map<String, String>> tables = new ArrayList<>();
    List<String> exposed = new ArrayList<>();
    for (Collaboration.ConfiguredTable table : collaboration.tables()) {
      if (!table.name().startsWith(config.tablePrefix())) {
        continue;
      }
      exposed.add(table.catalogTable());
      boolean inCatalog = catalog.contains(table.catalogTable());
      List<String> missing = new ArrayList<>();
      if (!inCatalog) {
        missing.add("no table %s.%s".formatted(FlywheelLayout.CLEANROOM, table.catalogTable()));
      }
      if (!table.status().equals(Collaboration.ConfiguredTable.ACTIVE)) {
        missing.add("configured table " + table.status());
      }
      if (!table.associationStatus().equals(Collaboration.ConfiguredTable.ASSOCIATED)) {
        missing.add("not associated with the membership");
      }
      if (table.analysisRules().isEmpty()) {
        missing.add("no analysis rule");
      }
      tables.add(
          row(
              table.name(),
              table.catalogTable(),
              inCatalog ? "YES" : "NO",
              inCatalog ? snapshot(spark, table.catalogTable()) : "",
              table.status(),
              table.associationStatus(),
              String.join(" ", table.analysisProviders()),
              String.join(
                  "; ",
                  table.analysisRules().stream()
                      .map(Collaboration.AnalysisRule::describe)
                      .toList()),
              missing.isEmpty() ? "YES" : "NO",
              String.join("; ", missing)));
    }
    for (String name : catalog) {
      if (name.startsWith(FlywheelLayout.BUCKETED_PREFIX) && !exposed.contains(name)) {
        tables.add(
            row(
                "",
                name,
                "YES",
                snapshot(spark, name),
                "NOT_CONFIGURED",
                Collaboration.ConfiguredTable.NOT_ASSOCIATED,
                "",
                "",
                "NO",
                "no configured table exposes it"));
      }
    }
    List<Map<String, String>> identity = new ArrayList<>();
    for (Collaboration.IdNamespace namespace : collaboration.idNamespaces()) {
      for (Collaboration.SchemaField field : namespace.fields()) {
        identity.add(
            identityRow(
                namespace.name(),
                namespace.type(),
                namespace.method(),
                namespace.sourceDatabase(),
                namespace.region(),
                namespace.table(),
                namespace.schemaMapping(),
                namespace.uniqueId().orElse(""),
                field.inputField(),
                field.type(),
                field.matchKey()));
      }
    }
    Instant now = Instant.now();
    String name = config.reportPrefix() + "_Cleanroom_Report_" + STAMP.format(now);
    URI folder = FlywheelFiles.folder(config.reports());
    Paths paths =
        new Paths(
            folder.resolve(name + ".json"),
            folder.resolve(name + "_Tables.csv"),
            folder.resolve(name + "_IdentityResolution.csv"));
    long ready = tables.stream().filter(row -> row.get("ready_for_analysis").equals("YES")).count();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("report", name);
    json.put("generated_at", now.toString());
    json.put("source", CollaborationSources.describe(config));
    json.put("membership_id", collaboration.membershipId());
    json.put("region", collaboration.region());
    json.put("database", FlywheelLayout.CLEANROOM);
    json.put("table_prefix", config.tablePrefix());
    json.put(
        "summary",
        Map.of(
            "tables", tables.size(),
            "ready_for_analysis", ready,
            "id_namespaces", collaboration.idNamespaces().size()));
    json.put("tables", tables);
    json.put("identity_resolution", identity);
    FlywheelFiles files = new FlywheelFiles(spark.sparkContext().hadoopConfiguration());
    try {
      files.writeText(
          paths.json(),
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot write the report " + paths.json(), e);
    }
    files.writeText(paths.tables(), csv(TABLE_COLUMNS, tables));
    files.writeText(paths.identity(), csv(IDENTITY_COLUMNS, identity));
    context
        .progress()
        .accept(
            "Report of %d tables (%d ready for analysis) and %d identity namespaces, from %s:"
                .formatted(
                    tables.size(),
                    ready,
                    collaboration.idNamespaces().size(),
                    CollaborationSources.describe(config)));
    context.progress().accept("  " + paths.json());
    context.progress().accept("  " + paths.tables());
    context.progress().accept("  " + paths.identity());
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("tables", (long) tables.size());
    figures.put("tables_ready", ready);
    figures.put("id_namespaces", (long) collaboration.idNamespaces().size());
    return new JobResult(tables.size(), tables.size() + identity.size(), figures);
  }

  private static String snapshot(SparkSession spark, String table) {
    return LakeTables.load(spark, FlywheelLayout.CLEANROOM + "." + table)
        .properties()
        .getOrDefault(FlywheelLayout.SNAPSHOT_PROPERTY, "");
  }

  private static Map<String, String> row(String... values) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < TABLE_COLUMNS.size(); i++) {
      row.put(TABLE_COLUMNS.get(i), values[i]);
    }
    return row;
  }

  private static Map<String, String> identityRow(String... values) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < IDENTITY_COLUMNS.size(); i++) {
      row.put(IDENTITY_COLUMNS.get(i), values[i]);
    }
    return row;
  }

  /** RFC 4180 CSV: a field with a comma, quote or line break is quoted. */
  static String csv(List<String> columns, List<Map<String, String>> rows) {
    StringBuilder out = new StringBuilder(String.join(",", columns)).append("\r\n");
    for (Map<String, String> row : rows) {
      List<String> fields = new ArrayList<>();
      for (String column : columns) {
        String value = row.getOrDefault(column, "");
        fields.add(
            value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value);
      }
      out.append(String.join(",", fields)).append("\r\n");
    }
    return out.toString();
  }
}
