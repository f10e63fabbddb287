package dev.adlake.generator.flywheel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.adlake.core.ExternalFailureException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Lands what the clean-room flywheel reads, as the OMC flywheel design lays it out under its root
 * ({@code omc/omc_cleanroom_data/} of the landing zone):
 *
 * <ul>
 *   <li>two dated snapshots of the InfoBase attributes, {@code
 *       infobase_attributes/raw_input/snapshot_dt=2025-10-15/} (an older one, left behind on
 *       purpose) and {@code snapshot_dt=2025-10-22/}, each with {@code IBE_01/} and {@code IBE_04/}
 *       as folders of gzipped CSV parts and {@code MIACS_01.csv.gz} as a direct file; source
 *       columns are upper case, one per table is not mapped;
 *   <li>the addressable ids of both dates, {@code
 *       addressable/addressable_ids_compaction_cr/snapshot_dt=.../};
 *   <li>the column mapping {@code config/omc_flywheel_infobase_table_split_lowercase.csv} and the
 *       collaboration {@code config/collaboration.json};
 * </ul>
 *
 * and the truth ({@value #TRUTH_FILE}): the latest date and the rows of each table.
 */
public final class FlywheelGenerator {
  public static final String TRUTH_FILE = "flywheel.json";

  public static final String OLDER = "2025-10-15";
  public static final String LATEST = "2025-10-22";

  /** The collaboration's aggregation threshold: distinct users a group needs to be shown. */
  public static final int MINIMUM_USERS = 50;

  private static final String[] AGE = {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"};
  private static final String[] INCOME = {"A", "B", "C", "D", "E", "F", "G"};
  private static final String[] CLUSTERS = {"01", "02", "03", "04", "05", "06", "07", "08", "09"};

  /** A source table: its name, whether it is a direct file, the share of customers in it. */
  private record Source(String name, boolean directFile, double share, List<String> columns) {}

  private static final List<Source> SOURCES =
      List.of(
          new Source(
              "IBE_01",
              false,
              0.9,
              List.of(
                  "CUSTOMER_USER_ID",
                  "AGE_RANGE",
                  "GENDER",
                  "INCOME_BAND",
                  "HOME_OWNER",
                  "HOUSEHOLD_SIZE",
                  "IB_FILLER_01")),
          new Source(
              "IBE_04",
              false,
              0.7,
              List.of(
                  "CUSTOMER_USER_ID",
                  "AUTO_INTENDER",
                  "TRAVEL_INTENDER",
                  "PET_OWNER",
                  "NET_WORTH",
                  "IB_FILLER_04")),
          new Source(
              "MIACS_01",
              true,
              1.0,
              List.of(
                  "CUSTOMER_USER_ID", "MIACS_CLUSTER", "LIFESTAGE", "URBANICITY", "IB_FILLER_M")));

  private FlywheelGenerator() {}

  /** What was landed. */
  public record Report(String latest, Map<String, Long> rows, long addressableRows, long bytes) {}

  /**
   * Writes the snapshots, the mapping and the collaboration under {@code root}, and the truth under
   * {@code expected}.
   */
  public static Report generate(long seed, Path root, Path expected, int customers) {
    SplittableRandom random = new SplittableRandom(seed ^ 0xF1_7EE1L);
    Map<String, Long> latestRows = new LinkedHashMap<>();
    long addressable = 0;
    long bytes = 0;
    try {
      for (String date : List.of(OLDER, LATEST)) {
        // The older snapshot is smaller: its customers are a prefix of the latest's.
        int count = date.equals(LATEST) ? customers : customers * 4 / 5;
        Path snapshot = root.resolve("infobase_attributes/raw_input/snapshot_dt=" + date);
        for (Source source : SOURCES) {
          List<StringBuilder> parts = new ArrayList<>();
          int partCount = source.directFile() ? 1 : 2;
          for (int p = 0; p < partCount; p++) {
            parts.add(new StringBuilder(String.join(",", source.columns())).append('\n'));
          }
          long rows = 0;
          for (int customer = 0; customer < count; customer++) {
            if (!in(source, customer, seed)) {
              continue;
            }
            row(parts.get(customer % partCount), source, customer, random);
            rows++;
          }
          for (int p = 0; p < partCount; p++) {
            Path file =
                source.directFile()
                    ? snapshot.resolve(source.name() + ".csv.gz")
                    : snapshot.resolve(source.name()).resolve("part-%05d.csv.gz".formatted(p));
            bytes += gzip(file, parts.get(p).toString());
          }
          if (date.equals(LATEST)) {
            latestRows.put(source.name(), rows);
          }
        }
        StringBuilder ids = new StringBuilder("CUSTOMER_USER_ID,ID_TYPE,ADDRESSABLE_ID\n");
        long idRows = 0;
        for (int customer = 0; customer < count; customer++) {
          int n = 1 + (customer % 3);
          for (int i = 0; i < n; i++) {
            String type = i == 0 ? "maid" : i == 1 ? "hem" : "ip";
            ids.append(customerId(customer))
                .append(',')
                .append(type)
                .append(',')
                .append(Long.toHexString(random.nextLong()))
                .append('\n');
            idRows++;
          }
        }
        bytes +=
            gzip(
                root.resolve(
                    "addressable/addressable_ids_compaction_cr/snapshot_dt="
                        + date
                        + "/part-00000.csv.gz"),
                ids.toString());
        if (date.equals(LATEST)) {
          addressable = idRows;
        }
      }
      bytes +=
          write(root.resolve("config/omc_flywheel_infobase_table_split_lowercase.csv"), mapping());
      bytes += write(root.resolve("config/collaboration.json"), collaboration());
      Files.createDirectories(expected);
      Map<String, Object> truth = new LinkedHashMap<>();
      truth.put("snapshot_dt_latest", LATEST);
      truth.put("snapshot_dt_older", OLDER);
      truth.put("rows", latestRows);
      truth.put("addressable_rows", addressable);
      truth.put("minimum_users", MINIMUM_USERS);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(expected.resolve(TRUTH_FILE).toFile(), truth);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write the flywheel's snapshots under %s: %s".formatted(root, e.getMessage()), e);
    }
    return new Report(LATEST, latestRows, addressable, bytes);
  }

  /** The customer's id, as the data provider's customer user ids look. */
  public static String customerId(int customer) {
    return "CU%010d".formatted(customer * 7919L % 9_999_999_967L);
  }

  /** Whether a customer is in a source table: the same in both snapshots. */
  private static boolean in(Source source, int customer, long seed) {
    long mixed = (customer * 0x9E3779B97F4A7C15L) ^ (seed * 31 + source.name().hashCode());
    mixed ^= mixed >>> 29;
    mixed *= 0xBF58476D1CE4E5B9L;
    mixed ^= mixed >>> 32;
    return (mixed >>> 11) % 1000 < source.share() * 1000;
  }

  private static void row(StringBuilder out, Source source, int customer, SplittableRandom random) {
    out.append(customerId(customer));
    switch (source.name()) {
      case "IBE_01" ->
          out.append(',')
              .append(AGE[random.nextInt(AGE.length)])
              .append(',')
              .append(random.nextBoolean() ? "F" : "M")
              .append(',')
              .append(INCOME[random.nextInt(INCOME.length)])
              .append(',')
              .append(random.nextInt(10) < 6 ? "Y" : "N")
              .append(',')
              .append(1 + random.nextInt(6))
              .append(',')
              .append("x".repeat(1 + random.nextInt(8)));
      case "IBE_04" ->
          out.append(',')
              .append(random.nextInt(100))
              .append(',')
              .append(random.nextInt(100))
              .append(',')
              .append(random.nextBoolean() ? "Y" : "N")
              .append(',')
              .append(random.nextInt(2_000_000))
              .append(',')
              .append("z".repeat(1 + random.nextInt(8)));
      default ->
          out.append(',')
              .append(CLUSTERS[random.nextInt(CLUSTERS.length)])
              .append(',')
              .append("L")
              .append(1 + random.nextInt(5))
              .append(',')
              .append(
                  random.nextInt(3) == 0 ? "urban" : random.nextBoolean() ? "suburban" : "rural")
              .append(',')
              .append("m");
    }
    out.append('\n');
  }

  /** Every source column but the fillers, lower case, each table to one output of its name. */
  private static String mapping() {
    StringBuilder out = new StringBuilder("table_name,column_name\n");
    for (Source source : SOURCES) {
      for (String column : source.columns()) {
        if (!column.startsWith("IB_FILLER")) {
          out.append(source.name().toLowerCase())
              .append(',')
              .append(column.toLowerCase())
              .append('\n');
        }
      }
    }
    return out.toString();
  }

  /**
   * The collaboration: each bucketed table configured as {@code part_<table>}, associated, with an
   * aggregation rule (threshold {@value #MINIMUM_USERS} users), but the addressable ids, which are
   * configured and not associated; one identity namespace over the addressable ids.
   */
  private static String collaboration() throws IOException {
    List<Map<String, Object>> tables = new ArrayList<>();
    tables.add(
        configured(
            "part_ibe_01",
            "bucketed_ibe_01",
            List.of("age_range", "gender", "income_band", "home_owner"),
            Map.of(
                "COUNT_DISTINCT", List.of("customer_user_id"), "AVG", List.of("household_size"))));
    tables.add(
        configured(
            "part_ibe_04",
            "bucketed_ibe_04",
            List.of("pet_owner"),
            Map.of(
                "COUNT_DISTINCT",
                List.of("customer_user_id"),
                "AVG",
                List.of("auto_intender", "travel_intender"))));
    tables.add(
        configured(
            "part_miacs_01",
            "bucketed_miacs_01",
            List.of("miacs_cluster", "lifestage", "urbanicity"),
            Map.of("COUNT_DISTINCT", List.of("customer_user_id"))));
    Map<String, Object> addressable = new LinkedHashMap<>();
    addressable.put("name", "part_addressable_ids");
    addressable.put("catalog_table", "bucketed_addressable_ids");
    addressable.put("status", "ACTIVE");
    addressable.put("association_status", "NOT_ASSOCIATED");
    addressable.put("analysis_providers", List.of());
    addressable.put("analysis_rules", List.of());
    tables.add(addressable);
    Map<String, Object> namespace = new LinkedHashMap<>();
    namespace.put("name", "ACXIdNamespace");
    namespace.put("type", "SOURCE");
    namespace.put("method", "RULE_BASED");
    namespace.put("source_database", "cleanroom");
    namespace.put("region", "us-east-1");
    namespace.put("table", "part_addressable_ids_er");
    namespace.put("schema_mapping", "ACX_SCHEMA");
    namespace.put(
        "fields",
        List.of(
            Map.of("input_field", "row_id", "type", "UNIQUE_ID", "match_key", ""),
            Map.of(
                "input_field",
                "customer_user_id",
                "type",
                "PROVIDER_ID",
                "match_key",
                "CUSTOMER")));
    Map<String, Object> collaboration = new LinkedHashMap<>();
    collaboration.put("membership_id", "6610c9aa-9002-475c-8695-d833485741bc");
    collaboration.put("region", "us-east-1");
    collaboration.put("tables", tables);
    collaboration.put("id_namespaces", List.of(namespace));
    return new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(collaboration);
  }

  private static Map<String, Object> configured(
      String name,
      String catalogTable,
      List<String> dimensions,
      Map<String, List<String>> aggregates) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("type", "AGGREGATION");
    rule.put("aggregate_columns", aggregates);
    rule.put("dimension_columns", dimensions);
    rule.put("join_columns", List.of("customer_user_id"));
    rule.put("user_column", "customer_user_id");
    rule.put("minimum_users", MINIMUM_USERS);
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("name", name);
    table.put("catalog_table", catalogTable);
    table.put("status", "ACTIVE");
    table.put("association_status", "ASSOCIATED");
    table.put("analysis_providers", List.of("921424374836"));
    table.put("analysis_rules", List.of(rule));
    return table;
  }

  private static long gzip(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return Files.size(file);
  }

  private static long write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(content);
    }
    return Files.size(file);
  }
}
