package dev.adlake.spark.ingestion.partner;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LandingStore.StoredObject;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.ledger.JdbcLoadLedger;
import dev.adlake.core.ledger.Load;
import dev.adlake.core.ledger.LoadCounts;
import dev.adlake.core.ledger.LoadLedger;
import dev.adlake.core.ledger.LoadStatus;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.CrashPoints;
import dev.adlake.spark.ingestion.LandingStores;
import dev.adlake.spark.ingestion.partner.PageViewLines.Format;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The partner event ingester: turns the landed page-view files of ShareThis and 33Across into
 * events on {@code ingested-st} and {@code ingested-tt}, in the tracker's JSON, so the enricher
 * takes them as it takes the ad tracker's.
 *
 * <p>Each file once, each line once, across a crash: a file's events are sent in one Kafka
 * transaction, together with a marker record on {@value #MARKERS} (a compacted topic) that names
 * the file's load; the ledger (feeds {@code events-<partner>}) records the load once the
 * transaction committed. A run that finds a load left ingesting by a dead process first fences that
 * process (its open transaction is aborted, so readers with {@code read_committed}, as the enricher
 * and the archive are, never see its events), then looks for the load's marker: found, the events
 * are in Kafka and the load is recorded as done; not found, the load is ready again and its file is
 * sent whole once more. The event ids are the file's id and the line number, so even a file sent
 * twice by hand makes the same events, which the enricher deduplicates.
 */
public final class PartnerEventsJob implements SparkJob {
  public static final String NAME = "partner-events";

  /** The compacted topic of the markers: one record per file sent, in its transaction. */
  public static final String MARKERS = "partner-events-sent";

  /** The transactional id of the ingester: one sender at a time, a new one fences the old. */
  static final String TRANSACTIONAL_ID = "adlake-partner-events";

  /** Crash points of the tests: half a file sent, and after the commit. */
  static final String MID_FILE = "partner-events-mid-file";

  static final String AFTER_COMMIT = "partner-events-after-commit";

  /** A partner's landed page views: where they are, their format and their stream source. */
  public record Source(String partner, String landingPrefix, Format format, String source) {
    /** The ledger's feed of the files sent. */
    public String feed() {
      return "events-" + partner;
    }

    public String topic() {
      return StreamTopics.ingested(source);
    }
  }

  /** ShareThis's files as the raw ingester lands them, and 33Across's as it delivers them. */
  public static final List<Source> SOURCES =
      List.of(
          new Source(
              "sharethis",
              RawCopyJob.LANDING_PREFIX + RawCopyJob.SOURCE_PREFIX,
              Format.SHARETHIS_TSV,
              StreamTopics.SHARETHIS),
          new Source(
              "33across",
              "33across/pageviews/",
              Format.THIRTYTHREEACROSS_JSON,
              StreamTopics.THIRTYTHREEACROSS));

  private final List<Source> sources;
  private final JobDefinition definition;

  public PartnerEventsJob(List<Source> sources) {
    this.sources = List.copyOf(sources);
    this.definition =
        new JobDefinition(
            NAME,
            Domain.INGESTION,
            JobKind.BATCH,
            "Kafka event ingester: the partners' landed page views as tracker events on"
                + " ingested-st and ingested-tt, each file once in a Kafka transaction",
            sources.stream().map(source -> Dataset.files(source.landingPrefix())).toList(),
            sources.stream().map(source -> Dataset.topic(source.topic())).toList(),
            List.of());
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    LandingStore landing = LandingStores.open(context.config());
    try {
      Report report =
          send(
              new JdbcLoadLedger(context.metadata().dataSource()),
              landing,
              context.kafkaBootstrapServers().get(),
              context.progress());
      Map<String, Long> figures = new LinkedHashMap<>();
      figures.put("files_sent", (long) report.files());
      figures.put("events_sent", report.events());
      figures.put("lines_unreadable", report.unreadable());
      figures.put("files_recovered", (long) report.recovered());
      figures.put("files_failed", (long) report.failed());
      return new JobResult(report.events() + report.unreadable(), report.events(), figures);
    } finally {
      LandingStores.close(landing);
    }
  }

  /** What a run did. */
  public record Report(int files, long events, long unreadable, int recovered, int failed) {}

  /** Recovers what a dead run left, then sends every new landed file of the sources. */
  public Report send(
      LoadLedger ledger, LandingStore landing, String bootstrapServers, Consumer<String> progress) {
    ensureTopics(bootstrapServers);
    Map<String, Source> byFeed = new HashMap<>();
    sources.forEach(source -> byFeed.put(source.feed(), source));
    try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
      // Fences a dead run's producer: its open transaction is aborted before markers are read.
      producer.initTransactions();
      int recovered = recover(ledger, bootstrapServers, byFeed, progress);
      for (StoredObject object : landing.list()) {
        for (Source source : sources) {
          if (object.key().startsWith(source.landingPrefix())) {
            ledger.discover(source.feed(), object.key(), object.size(), object.modifiedAt());
          }
        }
      }
      int files = 0;
      int failed = 0;
      long events = 0;
      long unreadable = 0;
      for (Optional<Load> next = ledger.claim(byFeed.keySet());
          next.isPresent();
          next = ledger.claim(byFeed.keySet())) {
        Load load = next.get();
        Source source = byFeed.get(load.feed());
        try {
          long[] sent = sendFile(producer, landing, source, load);
          CrashPoints.crashIf(AFTER_COMMIT);
          done(ledger, load, sent[0], sent[1], Optional.empty());
          files++;
          events += sent[0];
          unreadable += sent[1];
          progress.accept(
              "sent %s: %,d events to %s%s"
                  .formatted(
                      load.objectKey(),
                      sent[0],
                      source.topic(),
                      sent[1] == 0 ? "" : ", %,d unreadable lines".formatted(sent[1])));
        } catch (IOException | RuntimeException e) {
          failed++;
          String error = "Cannot send %s: %s".formatted(load.objectKey(), e.getMessage());
          progress.accept(error);
          Load failedLoad = ledger.failed(load.id(), Optional.empty(), Optional.empty(), error);
          ledger.transition(failedLoad.id(), LoadStatus.READY_FOR_ERRORING, LoadStatus.ERRORING);
          // The file stays where it landed: retried by 'adlake loads retry' once fixed.
          ledger.stored(load.id(), LoadStatus.ERRORING, LoadStatus.ERRORED, load.objectKey());
        }
      }
      return new Report(files, events, unreadable, recovered, failed);
    }
  }

  /** Sends one file's events and its marker in one transaction: {events, unreadable lines}. */
  private long[] sendFile(
      KafkaProducer<String, byte[]> producer, LandingStore landing, Source source, Load load)
      throws IOException {
    String fileId = fileId(load.objectKey());
    long events = 0;
    long unreadable = 0;
    producer.beginTransaction();
    try (InputStream raw = landing.open(load.objectKey());
        InputStream in =
            load.objectKey().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      long number = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        PageViewLines.Event event =
            PageViewLines.convert(
                source.format(), source.source() + "-" + fileId + "-" + number, line);
        producer.send(new ProducerRecord<>(source.topic(), event.userId(), event.json()));
        if (event.read()) {
          events++;
        } else {
          unreadable++;
        }
        if (number == 1_000) {
          CrashPoints.crashIf(MID_FILE);
        }
      }
      producer.send(
          new ProducerRecord<>(
              MARKERS,
              markerKey(load),
              Marker.JSON.writeValueAsBytes(new Marker(events, unreadable))));
      producer.commitTransaction();
    } catch (IOException | RuntimeException e) {
      producer.abortTransaction();
      throw e;
    }
    return new long[] {events, unreadable};
  }

  /**
   * Loads a dead run left ingesting: done when their marker is in Kafka, else ready again. Returns
   * how many there were.
   */
  private static int recover(
      LoadLedger ledger,
      String bootstrapServers,
      Map<String, Source> byFeed,
      Consumer<String> progress) {
    List<Load> abandoned = new ArrayList<>();
    for (Load load : ledger.abandoned()) {
      if (byFeed.containsKey(load.feed())) {
        abandoned.add(load);
      }
    }
    if (abandoned.isEmpty()) {
      return 0;
    }
    Map<String, long[]> markers = markers(bootstrapServers);
    for (Load load : abandoned) {
      long[] sent = markers.get(markerKey(load));
      if (load.status() == LoadStatus.INGESTING && sent != null) {
        done(
            ledger,
            load,
            sent[0],
            sent[1],
            Optional.of("completed after its process died; its events were already in Kafka"));
      } else if (load.status() == LoadStatus.INGESTING) {
        ledger.transition(load.id(), LoadStatus.INGESTING, LoadStatus.READY);
      } else if (load.status() == LoadStatus.ARCHIVING) {
        ledger.stored(load.id(), LoadStatus.ARCHIVING, LoadStatus.ARCHIVED, load.objectKey());
      }
      progress.accept(
          "recovered load %d (%s) left by a dead run: %s"
              .formatted(
                  load.id(),
                  load.objectKey(),
                  sent != null ? "its events were in Kafka" : "it is sent again"));
    }
    return abandoned.size();
  }

  /** Records a sent file: done, its landed file left in place as our raw copy. */
  private static void done(
      LoadLedger ledger, Load load, long events, long unreadable, Optional<String> message) {
    Load committed =
        ledger.committed(
            load.id(),
            load.checksum().orElse(""),
            new LoadCounts(events + unreadable, events, unreadable, null),
            message);
    ledger.transition(committed.id(), LoadStatus.READY_FOR_ARCHIVING, LoadStatus.ARCHIVING);
    ledger.stored(load.id(), LoadStatus.ARCHIVING, LoadStatus.ARCHIVED, load.objectKey());
  }

  static String markerKey(Load load) {
    return load.feed() + "/" + load.id() + "/" + load.objectKey();
  }

  /** Every committed marker: key to {events, unreadable}. */
  private static Map<String, long[]> markers(String bootstrapServers) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    properties.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, long[]> markers = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(MARKERS).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new ExternalFailureException(
              "Cannot read the markers of topic " + MARKERS + " to its end in 2 minutes", null);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Marker marker;
          try {
            marker = Marker.JSON.readValue(record.value(), Marker.class);
          } catch (IOException e) {
            throw new ExternalFailureException(
                "The marker of %s on topic %s (offset %d) is not a marker: %s"
                    .formatted(record.key(), MARKERS, record.offset(), e.getMessage()),
                e);
          }
          markers.put(record.key(), new long[] {marker.events(), marker.unreadable()});
        }
      }
    }
    return markers;
  }

  /** A marker's value: the file's events sent and its unreadable lines, as JSON. */
  record Marker(long events, long unreadable) {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private void ensureTopics(String bootstrapServers) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(properties)) {
      List<NewTopic> topics = new ArrayList<>();
      sources.forEach(
          source -> topics.add(new NewTopic(source.topic(), Optional.of(2), Optional.empty())));
      topics.add(
          new NewTopic(MARKERS, Optional.of(1), Optional.empty())
              .configs(Map.of("cleanup.policy", "compact")));
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new ExternalFailureException(
                "Cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalFailureException("Interrupted while creating topics", e);
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    properties.put(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(properties);
  }

  /** The id of a landed file in its events' ids: the first 16 hex digits of its key's SHA-256. */
  static String fileId(String objectKey) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(objectKey.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
