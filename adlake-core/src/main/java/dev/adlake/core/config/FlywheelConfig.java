package dev.adlake.core.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The clean-room flywheel: where the dated snapshots arrive and its outputs go, the column mapping,
 * the collaboration it serves and where its report is written.
 *
 * @param root the flywheel's folder: {@code infobase_attributes/raw_input/}, {@code
 *     addressable/addressable_ids_compaction_cr/}, and the outputs {@code split_cluster/} and
 *     {@code cleanroom_tables/}
 * @param mapping the column-mapping CSV: which source columns go to which output table
 * @param collaboration the JSON description of the collaboration, read when no AWS membership is
 *     configured
 * @param membershipId the AWS Clean Rooms membership the report reads, when set
 * @param region the AWS region of the membership and of Entity Resolution
 * @param endpoint an endpoint for both AWS APIs instead of AWS's own (a test server)
 * @param reports where the clean-room reports are written
 * @param reportPrefix the reports' name prefix, as {@code ACX} in {@code
 *     ACX_Cleanroom_Report_YYYYMMDD_HHMMSS.json}
 * @param tablePrefix the prefix of the collaboration's table names the report and the identity
 *     tables cover
 * @param hiveBucketedFiles whether the bucketed tables are also written as Hive-bucketed files
 */
public record FlywheelConfig(
    URI root,
    URI mapping,
    URI collaboration,
    Optional<String> membershipId,
    String region,
    Optional<URI> endpoint,
    URI reports,
    String reportPrefix,
    String tablePrefix,
    boolean hiveBucketedFiles) {
  /** The mapping file's name, as the flywheel design calls it. */
  public static final String MAPPING_FILE = "omc_flywheel_infobase_table_split_lowercase.csv";

  public static final String COLLABORATION_FILE = "collaboration.json";

  /** Where the flywheel lives in the landing zone unless {@code flywheel.root} says otherwise. */
  public static final String LANDING_FOLDER = "omc/omc_cleanroom_data/";

  public static final ConfigKey<URI> ROOT =
      ConfigKey.of(
          "flywheel.root",
          ValueType.uri("file", "s3a"),
          null,
          "The clean-room flywheel's folder (raw_input snapshots in, split_cluster and"
              + " cleanroom_tables out); unset: <landing.path>/"
              + LANDING_FOLDER);
  public static final ConfigKey<URI> MAPPING =
      ConfigKey.of(
          "flywheel.mapping",
          ValueType.uri("file", "s3a"),
          null,
          "The column-mapping CSV (table_name,column_name[,source_table]); unset:"
              + " <flywheel.root>/config/"
              + MAPPING_FILE);
  public static final ConfigKey<URI> COLLABORATION =
      ConfigKey.of(
          "flywheel.collaboration",
          ValueType.uri("file", "s3a"),
          null,
          "The clean-room collaboration as JSON, read when flywheel.membership-id is unset;"
              + " unset: <flywheel.root>/config/"
              + COLLABORATION_FILE);
  public static final ConfigKey<String> MEMBERSHIP_ID =
      ConfigKey.of(
          "flywheel.membership-id",
          ValueType.matching(Pattern.compile("[0-9a-fA-F-]{8,64}"), "an AWS membership id"),
          null,
          "The AWS Clean Rooms membership the report reads through the AWS APIs");
  public static final ConfigKey<String> REGION =
      ConfigKey.of(
          "flywheel.region",
          ValueType.string(),
          "us-east-1",
          "The AWS region of the membership and of Entity Resolution");
  public static final ConfigKey<URI> ENDPOINT =
      ConfigKey.of(
          "flywheel.endpoint",
          ValueType.uri("http", "https"),
          null,
          "An endpoint for the Clean Rooms and Entity Resolution APIs instead of AWS's");
  public static final ConfigKey<URI> REPORTS =
      ConfigKey.of(
          "flywheel.reports",
          ValueType.uri("file", "s3a"),
          "${home}/cleanrooms-reports",
          "Where the clean-room reports are written: a folder or an s3a:// prefix");
  public static final ConfigKey<String> REPORT_PREFIX =
      ConfigKey.of(
          "flywheel.report-prefix",
          ValueType.matching(Pattern.compile("[A-Za-z0-9_-]{1,40}"), "letters, digits, _ or -"),
          "ACX",
          "The reports' name prefix: <prefix>_Cleanroom_Report_YYYYMMDD_HHMMSS");
  public static final ConfigKey<String> TABLE_PREFIX =
      ConfigKey.of(
          "flywheel.table-prefix",
          ValueType.matching(Pattern.compile("[a-z][a-z0-9_]{0,40}"), "lower case letters, _"),
          "part_",
          "The prefix of the collaboration's tables that the report and the ER tables cover");
  public static final ConfigKey<Boolean> HIVE_BUCKETED_FILES =
      ConfigKey.of(
          "flywheel.hive-bucketed-files",
          ValueType.bool(),
          "false",
          "Also write each bucketed table as Hive-bucketed files (Hive's hash), for engines"
              + " that need Hive bucketing");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ROOT,
        MAPPING,
        COLLABORATION,
        MEMBERSHIP_ID,
        REGION,
        ENDPOINT,
        REPORTS,
        REPORT_PREFIX,
        TABLE_PREFIX,
        HIVE_BUCKETED_FILES);
  }

  /** The flywheel's settings of a configuration. */
  public static FlywheelConfig of(AdlakeConfig config) {
    ConfigValues values = config.values();
    URI root =
        folder(
            values
                .find(ROOT)
                .orElseGet(() -> folder(config.landing().location()).resolve(LANDING_FOLDER)));
    return new FlywheelConfig(
        root,
        values.find(MAPPING).orElseGet(() -> root.resolve("config/" + MAPPING_FILE)),
        values.find(COLLABORATION).orElseGet(() -> root.resolve("config/" + COLLABORATION_FILE)),
        values.find(MEMBERSHIP_ID),
        values.get(REGION),
        values.find(ENDPOINT),
        values.get(REPORTS),
        values.get(REPORT_PREFIX),
        values.get(TABLE_PREFIX),
        values.get(HIVE_BUCKETED_FILES));
  }

  /** A folder's URI ending in {@code /}, so that names resolve inside it. */
  public static URI folder(URI uri) {
    String text = uri.toString();
    return text.endsWith("/") ? uri : URI.create(text + "/");
  }
}
