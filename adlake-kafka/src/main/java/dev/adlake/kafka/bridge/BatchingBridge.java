package dev.adlake.kafka.bridge;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedTopic;
import dev.adlake.kafka.AtomicFiles;
import dev.adlake.kafka.PollLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Batches a feed's Kafka topic into files of its landing prefix, which file ingestion then loads: a
 * file per partition after {@link FeedTopic#flushRecords()} records or {@link
 * FeedTopic#flushMinutes()} minutes, whichever comes first, named {@code
 * <topic>-p<partition>-o<first offset, 20 digits>.jsonl.gz} and holding one record value per line
 * (see {@link ValueLines}).
 *
 * <p>Exactly once, with the load ledger: a file is written under a hidden name the landing listing
 * skips, forced to disk and renamed, and only then are the consumer group's offsets committed past
 * it. A process that dies between the two reads the same records again from the same first offset
 * and writes the file again under the same name; the ledger sees the same key with a new modified
 * time, a changed object, and ingestion replaces the rows of the earlier version with the new one
 * (append feeds). The consumer group, {@code adlake-bridge-<feed>}, lets several processes share
 * the partitions; a partition taken away is flushed first.
 *
 * <p>Not thread-safe, except {@link #stop()}.
 */
public final class BatchingBridge implements AutoCloseable {
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

  /** What the bridge wrote since it started. */
  public record Summary(
      String feed, String topic, long records, long files, long fullFiles, long timedFiles) {}

  private static final class Batch {
    final long firstOffset;
    final long startedMillis;
    final List<byte[]> lines = new ArrayList<>();
    long lastOffset;

    Batch(long firstOffset, long startedMillis) {
      this.firstOffset = firstOffset;
      this.startedMillis = startedMillis;
    }
  }

  private final Feed feed;
  private final FeedTopic topic;
  private final Path directory;
  private final Clock clock;
  private final Consumer<String> progress;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Batch> batches = new HashMap<>();
  private final PollLoop loop;
  private boolean closed;
  private long records;
  private long files;
  private long fullFiles;
  private long timedFiles;

  /** For tests of crash recovery: runs after a file is published, before its offsets commit. */
  Consumer<String> beforeCommit = key -> {};

  private BatchingBridge(
      Feed feed,
      Path directory,
      Clock clock,
      Consumer<String> progress,
      KafkaConsumer<byte[], byte[]> consumer) {
    this.feed = feed;
    this.topic = feed.topic().orElseThrow();
    this.directory = directory;
    this.clock = clock;
    this.progress = progress;
    this.consumer = consumer;
    this.loop = new PollLoop(consumer);
    this.clientMetrics = new KafkaClientMetrics(consumer);
    clientMetrics.bindTo(Metrics.globalRegistry);
    this.filesWritten =
        Counter.builder("adlake.bridge.files")
            .description("Landing files the bridge wrote from the feed's topic")
            .tag("feed", feed.name())
            .register(Metrics.globalRegistry);
    this.recordsRead =
        Counter.builder("adlake.bridge.records")
            .description("Records the bridge read from the feed's topic")
            .tag("feed", feed.name())
            .register(Metrics.globalRegistry);
  }

  /** The consumer's own metrics (records consumed, lag per partition), while it is open. */
  private final KafkaClientMetrics clientMetrics;

  private final Counter filesWritten;
  private final Counter recordsRead;

  /** The consumer group of a feed's bridge processes. */
  public static String group(Feed feed) {
    return "adlake-bridge-" + feed.name();
  }

  /**
   * Joins the feed's consumer group on its topic.
   *
   * @param landingRoot the local landing zone; files go to the feed's prefix under it
   * @param clock what "now" is, for the age of a batch
   * @throws InvalidInputException when the feed names no topic
   * @throws NotFoundException when the topic does not exist
   */
  public static BatchingBridge start(
      Feed feed,
      Path landingRoot,
      String bootstrapServers,
      Clock clock,
      Consumer<String> progress) {
    requireNonNull(feed, "feed is null");
    requireNonNull(landingRoot, "landingRoot is null");
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(progress, "progress is null");
    FeedTopic topic =
        feed.topic()
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "Cannot bridge feed %s: it names no topic (feeds.%s.topic)"
                            .formatted(feed.name(), feed.name())));
    Path directory = landingRoot.resolve(feed.prefix()).normalize();
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group(feed),
                ConsumerConfig.CLIENT_ID_CONFIG, group(feed),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(5000, topic.flushRecords()),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName()));
    try {
      Files.createDirectories(directory);
      if (!consumer.listTopics(KAFKA_TIMEOUT).containsKey(topic.topic())) {
        throw new NotFoundException(
            "Cannot bridge feed %s: topic %s does not exist".formatted(feed.name(), topic.topic()));
      }
      BatchingBridge bridge = new BatchingBridge(feed, directory, clock, progress, consumer);
      consumer.subscribe(List.of(topic.topic()), bridge.new Rebalance());
      return bridge;
    } catch (IOException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw new ExternalFailureException(
          "Cannot create the landing folder %s: %s".formatted(directory, e.getMessage()), e);
    } catch (KafkaException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw new ExternalFailureException(
          "Cannot read topic %s from %s: %s"
              .formatted(topic.topic(), bootstrapServers, e.getMessage()),
          e);
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
  }

  /** Flushes a partition before it goes to another process, so that one starts after its file. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        if (batches.containsKey(partition)) {
          flush(partition, false);
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another process may have read them already: what is unflushed here is read again there.
      partitions.forEach(batches::remove);
    }
  }

  /**
   * Batches what the topic holds now, writing full and due files, then flushes what is left and
   * ends.
   */
  public void runOnce() {
    long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
    loop.run(
        () -> !consumer.assignment().isEmpty(),
        wait -> {
          if (System.nanoTime() > deadline) {
            throw new ExternalFailureException(
                "Cannot bridge feed %s: no partition of %s was assigned within %d s"
                    .formatted(feed.name(), topic.topic(), KAFKA_TIMEOUT.toSeconds()),
                null);
          }
          step(wait);
        },
        Duration.ofMillis(200));
    if (!loop.stopRequested()) {
      Map<TopicPartition, Long> targets = consumer.endOffsets(consumer.assignment(), KAFKA_TIMEOUT);
      loop.run(() -> caughtUpWith(targets), this::step, Duration.ofMillis(200));
    }
    close();
  }

  /** Batches until {@link #stop()} is called, then flushes what is left. */
  public void runUntilStopped() {
    loop.run(() -> false, this::step, Duration.ofMillis(500));
    close();
  }

  /** Asks a running bridge to flush and end; safe from any thread. */
  public void stop() {
    loop.stop();
  }

  private boolean caughtUpWith(Map<TopicPartition, Long> targets) {
    for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
      if (consumer.assignment().contains(target.getKey())
          && consumer.position(target.getKey(), KAFKA_TIMEOUT) < target.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** One poll: batches what came, writes full batches and those older than the flush time. */
  void step(Duration wait) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      Batch batch =
          batches.computeIfAbsent(partition, key -> new Batch(record.offset(), clock.millis()));
      batch.lines.add(ValueLines.encode(record.value()));
      batch.lastOffset = record.offset();
      records++;
      recordsRead.increment();
      if (batch.lines.size() >= topic.flushRecords()) {
        flush(partition, true);
      }
    }
    long now = clock.millis();
    long maxAge = topic.flushMinutes() * 60_000L;
    for (TopicPartition partition : List.copyOf(batches.keySet())) {
      if (now - batches.get(partition).startedMillis >= maxAge) {
        flush(partition, false);
      }
    }
  }

  /** Writes a partition's batch as a file, then commits the group's offset past it. */
  private void flush(TopicPartition partition, boolean full) {
    Batch batch = batches.remove(partition);
    String name = fileName(partition, batch.firstOffset);
    Path target = directory.resolve(name);
    Path temporary = directory.resolve("." + name + ".tmp");
    try (FileOutputStream file = new FileOutputStream(temporary.toFile())) {
      GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16);
      OutputStream out = new BufferedOutputStream(gzip, 1 << 16);
      for (byte[] line : batch.lines) {
        out.write(line);
      }
      out.flush();
      gzip.finish();
      file.getChannel().force(true);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write %s for feed %s: %s".formatted(target, feed.name(), e.getMessage()), e);
    }
    try {
      AtomicFiles.publish(temporary, target);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write %s for feed %s: %s".formatted(target, feed.name(), e.getMessage()), e);
    }
    String key = feed.prefix() + name;
    beforeCommit.accept(key);
    consumer.commitSync(
        Map.of(partition, new OffsetAndMetadata(batch.lastOffset + 1, key)), KAFKA_TIMEOUT);
    files++;
    filesWritten.increment();
    if (full) {
      fullFiles++;
    } else {
      timedFiles++;
    }
    progress.accept(
        "%s: %s, %,d record(s), offsets %d to %d"
            .formatted(feed.name(), key, batch.lines.size(), batch.firstOffset, batch.lastOffset));
  }

  static String fileName(TopicPartition partition, long firstOffset) {
    return "%s-p%d-o%020d.jsonl.gz"
        .formatted(partition.topic(), partition.partition(), firstOffset);
  }

  public Summary summary() {
    return new Summary(feed.name(), topic.topic(), records, files, fullFiles, timedFiles);
  }

  public Feed feed() {
    return feed;
  }

  /** Flushes every batch, commits, and leaves the group. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (TopicPartition partition : List.copyOf(batches.keySet())) {
        flush(partition, false);
      }
    } finally {
      clientMetrics.close();
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /** Stops as a killed process would: nothing flushed, nothing committed. For tests. */
  void halt() {
    closed = true;
    batches.clear();
    clientMetrics.close();
    consumer.close(CloseOptions.timeout(Duration.ZERO));
  }
}
