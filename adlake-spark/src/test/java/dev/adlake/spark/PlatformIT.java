package dev.adlake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ConfigLoader;
import dev.adlake.kafka.KafkaTopics;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded services start and do real work: PostgreSQL, Spark with Iceberg, Kafka. */
class PlatformIT {
  @Test
  void icebergTableRoundTripsThroughTheJdbcCatalogInPostgres() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.scratch");
    spark.sql(
        "CREATE TABLE lake.scratch.platform_roundtrip (id BIGINT, name STRING) USING iceberg");
    spark.sql("INSERT INTO lake.scratch.platform_roundtrip VALUES (1, 'one'), (2, 'two')");

    List<Row> rows =
        spark.sql("SELECT id, name FROM scratch.platform_roundtrip ORDER BY id").collectAsList();
    assertThat(rows)
        .extracting(row -> row.getLong(0) + "=" + row.getString(1))
        .containsExactly("1=one", "2=two");

    // The catalog entry lives in PostgreSQL, in Iceberg's own table.
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT metadata_location FROM iceberg_tables"
                    + " WHERE table_namespace = 'scratch' AND table_name = 'platform_roundtrip'")) {
      assertThat(result.next()).isTrue();
      assertThat(result.getString(1)).contains("/warehouse/scratch/platform_roundtrip/metadata/");
    }
  }

  @Test
  void kafkaTopicCarriesMessagesThroughTheEmbeddedBroker() {
    Platform platform = TestPlatform.get();
    String servers = platform.kafkaBootstrapServers();
    String topic = "platform-it-" + System.nanoTime();
    KafkaTopics.ensure(servers, List.of(topic), 2);
    assertThat(KafkaTopics.list(servers)).contains(topic);

    Properties producerProperties = new Properties();
    producerProperties.put("bootstrap.servers", servers);
    producerProperties.put("key.serializer", StringSerializer.class.getName());
    producerProperties.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties)) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i));
      }
      producer.flush();
    }

    Properties consumerProperties = new Properties();
    consumerProperties.put("bootstrap.servers", servers);
    consumerProperties.put("group.id", "platform-it");
    consumerProperties.put("auto.offset.reset", "earliest");
    consumerProperties.put("key.deserializer", StringDeserializer.class.getName());
    consumerProperties.put("value.deserializer", StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < 10 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
        }
      }
    }
    assertThat(values).hasSize(10).contains("value-0", "value-9");
  }

  @Test
  void configuredServicesAreUsedAndNothingEmbeddedStarts(@TempDir Path home) {
    Platform shared = TestPlatform.get();
    String servers = shared.kafkaBootstrapServers();
    AdlakeConfig external =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(home),
                Optional.empty(),
                Map.of(
                    "ADLAKE_METADATA_JDBC_URL", shared.metadata().jdbcUrl(),
                    "ADLAKE_METADATA_USER", shared.metadata().user(),
                    "ADLAKE_METADATA_PASSWORD", shared.metadata().password().orElseThrow(),
                    "ADLAKE_KAFKA_BOOTSTRAP_SERVERS", servers),
                Map.of(),
                home));
    List<String> started = new ArrayList<>();
    try (Platform platform = new Platform(external, started::add)) {
      assertThat(platform.metadata().jdbcUrl()).isEqualTo(shared.metadata().jdbcUrl());
      assertThat(platform.runs().recent(Optional.empty(), 1)).isNotNull();
      assertThat(platform.kafkaBootstrapServers()).isEqualTo(servers);
    }
    assertThat(started)
        .containsExactly("Connecting to PostgreSQL at " + shared.metadata().jdbcUrl());
    assertThat(home.resolve("postgres")).doesNotExist();
    assertThat(home.resolve("kafka")).doesNotExist();
  }

  @Test
  void sparkPropertiesBindToLoopbackAndKeepScratchUnderTheHome() {
    Platform platform = TestPlatform.get();
    Map<String, String> properties = LakeSession.properties(platform.config(), platform.metadata());
    assertThat(properties)
        .containsEntry("spark.driver.bindAddress", "127.0.0.1")
        .containsEntry("spark.ui.enabled", "false")
        .containsEntry(
            "spark.sql.catalog.lake.catalog-impl",
            dev.adlake.spark.encryption.EncryptingCatalog.class.getName())
        .containsEntry("spark.master", "local[2]");
    assertThat(properties.get("spark.local.dir")).startsWith(platform.config().home().toString());
    // Shuffles sized from the data and a task's memory, in the running session too.
    assertThat(properties)
        .containsEntry("spark.sql.adaptive.coalescePartitions.initialPartitionNum", "200")
        .containsKey("spark.sql.adaptive.advisoryPartitionSizeInBytes");
    assertThat(platform.spark().conf().get("spark.sql.adaptive.advisoryPartitionSizeInBytes"))
        .isEqualTo(properties.get("spark.sql.adaptive.advisoryPartitionSizeInBytes"));
  }

  @Test
  void aSparkConfOfTheUsersBeatsTheSizing(@TempDir Path home) {
    Platform shared = TestPlatform.get();
    AdlakeConfig config =
        ConfigLoader.load(
            new ConfigLoader.Request(
                Optional.of(home),
                Optional.empty(),
                Map.of(),
                Map.of(
                    "spark.master",
                    "local[2]",
                    "spark.conf.spark.sql.adaptive.coalescePartitions.initialPartitionNum",
                    "64"),
                Path.of("").toAbsolutePath()));
    assertThat(LakeSession.properties(config, shared.metadata()))
        .containsEntry("spark.sql.adaptive.coalescePartitions.initialPartitionNum", "64");
  }
}
