package dev.adlake.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.LoadMode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path directory;

  private AdlakeConfig load(Map<String, String> environment, Map<String, String> overrides) {
    return ConfigLoader.load(
        new ConfigLoader.Request(
            Optional.empty(), Optional.empty(), environment, overrides, directory));
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(directory.resolve("adlake.yaml"), yaml);
  }

  @Test
  void defaultsNeedNoFileAndLiveUnderTheHome() {
    AdlakeConfig config = load(Map.of(), Map.of());
    Path home = directory.resolve(".adlake");
    assertThat(config.home()).isEqualTo(home);
    assertThat(config.configFile()).isNull();
    assertThat(config.metadata().embedded()).isTrue();
    assertThat(config.kafka().embedded()).isTrue();
    assertThat(config.lake().warehouse()).isEqualTo(home.resolve("warehouse").toUri());
    assertThat(config.landing().path()).isEqualTo(home.resolve("landing"));
    assertThat(config.spark().master()).isEqualTo("local[*]");
    assertThat(config.values().all().get("metadata.pool-size").source())
        .isEqualTo(ConfigSource.DEFAULT);
  }

  @Test
  void flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
    write(
        """
        metadata:
          pool-size: 3
        spark:
          shuffle-partitions: 5
          master: local[1]
        kafka.embedded-port: 19092
        """);
    AdlakeConfig config =
        load(
            Map.of("ADLAKE_SPARK_SHUFFLE_PARTITIONS", "6", "ADLAKE_SPARK_MASTER", "local[2]"),
            Map.of("spark.master", "local[3]"));
    assertThat(config.metadata().poolSize()).isEqualTo(3);
    assertThat(config.kafka().embeddedPort()).isEqualTo(19092);
    assertThat(config.spark().shufflePartitions()).isEqualTo(6);
    assertThat(config.spark().master()).isEqualTo("local[3]");
    assertThat(config.values().all().get("metadata.pool-size").origin())
        .isEqualTo("adlake.yaml line 2");
    assertThat(config.values().all().get("spark.master").source())
        .isEqualTo(ConfigSource.COMMAND_LINE);
  }

  @Test
  void externalServicesReplaceTheEmbeddedOnes() {
    AdlakeConfig config =
        load(
            Map.of(
                "ADLAKE_METADATA_JDBC_URL", "jdbc:postgresql://db.example:5432/adlake",
                "ADLAKE_KAFKA_BOOTSTRAP_SERVERS", "k1:9092, k2:9092",
                "ADLAKE_LAKE_WAREHOUSE", "s3a://ad-lake/warehouse"),
            Map.of());
    assertThat(config.metadata().embedded()).isFalse();
    assertThat(config.kafka().bootstrapServers()).contains(List.of("k1:9092", "k2:9092"));
    assertThat(config.lake().warehouse()).isEqualTo(URI.create("s3a://ad-lake/warehouse"));
  }

  @Test
  void everyProblemIsReportedAtOnceWithKeyValueAndRule() throws IOException {
    write(
        """
        metadata:
          jdbc-url: mysql://nope
          pool-size: -4
        lake:
          warehouse: "hdfs://cluster/lake"
        kafka:
          bootstrap-server: localhost:9092
        """);
    assertThatThrownBy(() -> load(Map.of("ADLAKE_SPARK_SHUFLE_PARTITIONS", "8"), Map.of()))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(ConfigProblem::key)
                  .containsExactlyInAnyOrder(
                      "metadata.jdbc-url",
                      "metadata.pool-size",
                      "lake.warehouse",
                      "kafka.bootstrap-server",
                      "ADLAKE_SPARK_SHUFLE_PARTITIONS");
              assertThat(e.getMessage())
                  .contains("Invalid configuration, 5 problems")
                  .contains(
                      "metadata.pool-size = '-4' (adlake.yaml line 3): must be an integer from 1 to 200")
                  .contains("lake.warehouse = 'hdfs://cluster/lake' (adlake.yaml line 5)")
                  .contains("must be an absolute URI with scheme file or s3a")
                  .contains("unknown key, did you mean 'kafka.bootstrap-servers'?")
                  .contains("did you mean 'ADLAKE_SPARK_SHUFFLE_PARTITIONS'?");
            });
  }

  @Test
  void badYamlNamesTheLine() throws IOException {
    write("metadata:\n  pool-size: [1\nlake: x\n");
    assertThatThrownBy(() -> load(Map.of(), Map.of()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("is not valid YAML");
  }

  @Test
  void namedConfigFileMustExist() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    new ConfigLoader.Request(
                        Optional.empty(),
                        Optional.of(Path.of("missing.yaml")),
                        Map.of(),
                        Map.of(),
                        directory)))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("missing.yaml")
        .hasMessageContaining("the configuration file does not exist");
  }

  @Test
  void freeFormSparkPropertiesPassThrough() throws IOException {
    write(
        """
        spark:
          conf:
            spark.executor.memory: 4g
            spark.sql.adaptive.enabled: false
        """);
    AdlakeConfig config = load(Map.of(), Map.of());
    assertThat(config.spark().properties())
        .containsEntry("spark.executor.memory", "4g")
        .containsEntry("spark.sql.adaptive.enabled", "false");
  }

  @Test
  void feedsAreDeclaredInTheFileAndCheckedProperty() throws IOException {
    write(
        """
        feeds:
          ods-sample:
            prefix: cubic/ods_qlik/EDW.SAMPLE/
            format: csv
            schema: "id int not null, name string, updated_at timestamp"
            event-time: updated_at
            mode: full-snapshot
          dmap:
            prefix: cubic/dmap/agg_sample/
            format: csv
        """);
    AdlakeConfig config = load(Map.of(), Map.of());
    assertThat(config.feeds()).extracting(Feed::name).containsExactly("ods-sample", "dmap");
    Feed ods = config.feed("ods-sample");
    assertThat(ods.table()).isEqualTo("raw.cubic__ods_qlik__edw_sample");
    assertThat(ods.mode()).isEqualTo(LoadMode.FULL_SNAPSHOT);
    assertThat(ods.header()).isTrue();
    assertThat(ods.maxRejectRatio()).isEqualTo(0.05);
    assertThat(config.feed("dmap").schema()).isEmpty();

    write(
        """
        feeds:
          broken:
            format: xml
            schema: "id intt"
            colour: blue
          changes:
            prefix: x/
            format: csv
            mode: change-records
            applies-to: nowhere
        """);
    assertThatThrownBy(() -> load(Map.of(), Map.of()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(
            "feeds.broken.colour = 'blue' (adlake.yaml line 5): unknown feed property")
        .hasMessageContaining("feeds.broken.prefix: is required")
        .hasMessageContaining(
            "feeds.broken.format = 'xml' (adlake.yaml line 3): must be one of tsv, csv, json, avro, parquet")
        .hasMessageContaining("feeds.broken.schema = 'id intt'")
        .hasMessageContaining("feeds.changes.key: is required for change records");
    // A reference to a feed that does not exist is only checked once the feeds parse.
  }

  @Test
  void archiveDefaultsToTheWarehouseAndFeedsMayNameATopic() {
    AdlakeConfig defaults = load(Map.of(), Map.of());
    Path home = directory.resolve(".adlake");
    assertThat(defaults.archive().localDirectory()).contains(home.resolve("warehouse/archive"));
    assertThat(defaults.archive().topics())
        .containsExactly("ingested-tracker", "ingested-bids", "enriched-tracker", "enriched-bids");
    assertThat(load(Map.of(), Map.of("lake.warehouse", "s3a://lake/prod")).archive().directory())
        .hasToString("s3a://lake/prod/archive");

    AdlakeConfig bridged =
        load(
            Map.of(),
            Map.of(
                "feeds.events.topic", "enriched-tracker",
                "feeds.events.prefix", "stream/tracker/",
                "feeds.events.format", "json",
                "feeds.events.flush-minutes", "5"));
    assertThat(bridged.feed("events").topic())
        .contains(new dev.adlake.core.feed.FeedTopic("enriched-tracker", 10_000, 5));

    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    Map.of(
                        "archive.topics", "a,b c",
                        "feeds.events.topic", "enriched-tracker",
                        "feeds.events.prefix", "stream/tracker/",
                        "feeds.events.format", "csv",
                        "feeds.events.flush-records", "0",
                        "feeds.files.prefix", "partner/",
                        "feeds.files.format", "csv",
                        "feeds.files.flush-minutes", "5")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("archive.topics = 'a,b c' (--set): must be a comma-separated list")
        .hasMessageContaining("('b c' is not a topic name)")
        .hasMessageContaining("feeds.events.format = 'csv' (--set): must be json")
        .hasMessageContaining("feeds.events.flush-records = '0' (--set): must be an integer from 1")
        .hasMessageContaining("feeds.files.flush-minutes = '5' (--set): applies only to a feed");
  }

  @Test
  void withoutFeedsTheGeneratedOnesAreUsed() {
    assertThat(load(Map.of(), Map.of()).feeds())
        .extracting(Feed::name)
        .containsExactly(
            "adserver-events",
            "tracker-clicks",
            "tracker-conversions",
            "adtracker-impressions",
            "partner-mappings",
            "ods-sample",
            "ods-sample-changes",
            "dmap-agg-sample",
            "infobase-attributes",
            "xandr-standard-feed",
            "domain-categories-partner",
            "domain-categories-vendor");
  }

  @Test
  void enrichmentIsOnByDefaultAndAMissingPseudonymKeyIsAskedForWhenUsed() {
    EnrichConfig enrich = load(Map.of(), Map.of()).enrich();
    assertThat(enrich.geo()).isTrue();
    assertThat(enrich.geoDatabase()).isEmpty();
    assertThat(enrich.userAgent()).isTrue();
    assertThat(enrich.urls()).isTrue();
    assertThat(enrich.anonymizeIp()).isTrue();
    assertThat(enrich.pseudonymizeUserIds()).isTrue();
    assertThat(enrich.pseudonymKey()).isEmpty();
    assertThat(enrich.dedupeWindowMinutes()).isEqualTo(10);
    assertThatThrownBy(enrich::requirePseudonymKey)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Set enrich.pseudonym-key (or the environment variable ADLAKE_ENRICH_PSEUDONYM_KEY)");
  }

  @Test
  void thePseudonymKeyIsASecretNeverPrinted() {
    String key = "correct-horse-battery-staple";
    AdlakeConfig config =
        load(
            Map.of("ADLAKE_ENRICH_PSEUDONYM_KEY", key),
            Map.of("enrich.geo-database", "/srv/geo/GeoLite2-City.mmdb"));
    assertThat(config.enrich().requirePseudonymKey()).isEqualTo(key);
    assertThat(config.enrich().geoDatabase()).contains(Path.of("/srv/geo/GeoLite2-City.mmdb"));
    assertThat(EnrichConfig.PSEUDONYM_KEY.secret()).isTrue();
    assertThat(EnrichConfig.PSEUDONYM_KEY.printable(key)).isEqualTo("******");
    assertThat(config.enrich().toString()).contains("pseudonymKey=******").doesNotContain(key);

    String shortKey = "tooShort";
    assertThatThrownBy(
            () ->
                load(
                    Map.of("ADLAKE_ENRICH_PSEUDONYM_KEY", shortKey),
                    Map.of("enrich.pseudonym-kee", "misspelt-secret-value")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(
            "enrich.pseudonym-key = '******' (environment): must be a string of at least 16 bytes")
        .hasMessageContaining("enrich.pseudonym-kee = '******' (--set): unknown key")
        .hasMessageNotContaining(shortKey)
        .hasMessageNotContaining("misspelt-secret-value");
  }

  @Test
  void homeComesFromTheEnvironmentWhenNoFlag() {
    AdlakeConfig config = load(Map.of("ADLAKE_HOME", "/srv/adlake"), Map.of());
    assertThat(config.home()).isEqualTo(Path.of("/srv/adlake"));
    assertThat(config.postgresDirectory()).isEqualTo(Path.of("/srv/adlake/postgres"));
  }
}
