package dev.adlake.kafka.archive;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ConflictException;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.ArchiveConfig;
import dev.adlake.kafka.PollLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a raw copy of Kafka topics in the lake, every record exactly once, in hourly folders by
 * record timestamp (UTC), and marks an hour complete with {@code _SUCCESS} once every partition of
 * its topic has passed it. See {@link ArchiveLayout} for names.
 *
 * <p>The archive is its own record of progress, not a consumer group: on start, each partition is
 * read from the offset after the last one in its complete files, and the temporary files a killed
 * process left are deleted. A file is written to a staging file and published only when complete
 * (renamed in a local folder, uploaded whole to S3: {@link ArchiveStore}); a partition has one file
 * open at a time, so its complete files always hold a gapless prefix of the partition. A file is
 * closed when its partition's records move to another hour, after {@code
 * archive.max-records-per-file} records or {@code archive.max-file-seconds}.
 *
 * <p>An hour is complete when every partition of the topic has reached its end and no file of the
 * hour is open. A partition reaches the latest timestamp it has archived; one with nothing left to
 * read reaches at least now minus {@code archive.idle-grace-seconds}. Records that arrive later for
 * a complete hour are still archived in that hour, and counted as late.
 *
 * <p>Not thread-safe, except {@link #stop()}; one archiver per archive, enforced by the store's
 * lock.
 */
public final class KafkaArchiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaArchiver.class);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
  private static final long PROGRESS_NANOS = Duration.ofSeconds(5).toNanos();
  private static final long END_OFFSETS_NANOS = Duration.ofSeconds(1).toNanos();

  /** What was archived of one topic since the archiver started. */
  public record TopicSummary(
      String topic,
      int partitions,
      long records,
      long files,
      long hoursCompleted,
      long lateRecords,
      int removedTemporaries) {}

  private static final class OpenFile {
    final long hour;
    final long firstOffset;
    final long openedAtMillis;
    final String directory;
    final Path staging;
    final FileOutputStream file;
    final OutputStream out;
    long lastOffset;
    long records;

    OpenFile(long hour, long firstOffset, long openedAtMillis, String directory, Path staging)
        throws IOException {
      this.hour = hour;
      this.firstOffset = firstOffset;
      this.openedAtMillis = openedAtMillis;
      this.directory = directory;
      this.staging = staging;
      this.file = new FileOutputStream(staging.toFile());
      this.out = new BufferedOutputStream(new GZIPOutputStream(file, 1 << 16), 1 << 16);
    }
  }

  private static final class PartitionState {
    final TopicPartition partition;
    final TopicState topic;
    OpenFile open;
    long reachedMillis = Long.MIN_VALUE;
    long position = -1;
    long endOffset = Long.MAX_VALUE;

    PartitionState(TopicPartition partition, TopicState topic) {
      this.partition = partition;
      this.topic = topic;
    }
  }

  private static final class TopicState {
    final String name;
    final List<PartitionState> partitions = new ArrayList<>();
    final NavigableSet<Long> pendingHours;
    final Set<Long> completedHours;
    final int removedTemporaries;
    long records;
    long files;
    long hoursCompleted;
    long lateRecords;

    /** The topic's counters of the process's metrics, looked up once. */
    final Counter archivedCounter;

    final Counter hoursCounter;

    TopicState(String name, ArchiveScan scan) {
      this.name = name;
      // At zero from the start, for rates and alerts.
      this.archivedCounter = archived(name);
      this.hoursCounter = hoursCompleted(name);
      this.pendingHours = scan.pendingHours();
      this.completedHours = scan.completedHours();
      this.removedTemporaries = scan.removedTemporaries();
    }
  }

  private final ArchiveConfig config;
  private final ArchiveStore store;
  private final Clock clock;
  private final Consumer<String> progress;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, TopicState> topics = new LinkedHashMap<>();
  private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();
  private final PollLoop loop;
  private boolean closed;
  private long lastEndOffsetsNanos;
  private long lastProgressNanos = System.nanoTime();
  private long recordsAtLastProgress;
  private final long startedNanos = System.nanoTime();

  private KafkaArchiver(
      ArchiveConfig config,
      ArchiveStore store,
      Clock clock,
      Consumer<String> progress,
      KafkaConsumer<byte[], byte[]> consumer) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.progress = progress;
    this.consumer = consumer;
    this.loop = new PollLoop(consumer);
    this.clientMetrics = new KafkaClientMetrics(consumer);
    clientMetrics.bindTo(Metrics.globalRegistry);
  }

  /** The consumer's own metrics (records consumed, lag per partition), while it is open. */
  private final KafkaClientMetrics clientMetrics;

  private static Counter archived(String topic) {
    return Counter.builder("adlake.archive.records")
        .description("Records written to the archive, by topic")
        .tag("topic", topic)
        .register(Metrics.globalRegistry);
  }

  private static Counter hoursCompleted(String topic) {
    return Counter.builder("adlake.archive.hours.completed")
        .description("Hours of a topic marked complete (_SUCCESS) in the archive")
        .tag("topic", topic)
        .register(Metrics.globalRegistry);
  }

  /**
   * Takes the store, reads where the archive of each configured topic ends and positions a consumer
   * there. The archiver owns the store from here on, and closes it.
   *
   * @param store where the archive is, {@code config.directory()}
   * @param clock what "now" is, for file ages and quiet partitions
   * @param progress receives a line about what is going on now and then
   * @throws NotFoundException when none of the topics exists
   * @throws ConflictException when another archiver writes to the same archive
   */
  public static KafkaArchiver start(
      ArchiveConfig config,
      ArchiveStore store,
      String bootstrapServers,
      Clock clock,
      Consumer<String> progress) {
    requireNonNull(config, "config is null");
    requireNonNull(store, "store is null");
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(progress, "progress is null");
    KafkaConsumer<byte[], byte[]> consumer = null;
    try {
      store.lock();
      consumer = new KafkaConsumer<>(consumerProperties(bootstrapServers));
      KafkaArchiver archiver = new KafkaArchiver(config, store, clock, progress, consumer);
      archiver.position();
      return archiver;
    } catch (RuntimeException e) {
      if (consumer != null) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
      }
      closeQuietly(store);
      if (e instanceof KafkaException) {
        throw new ExternalFailureException(
            "Cannot start archiving from %s: %s".formatted(bootstrapServers, e.getMessage()), e);
      }
      throw e;
    }
  }

  private static Map<String, Object> consumerProperties(String bootstrapServers) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        ConsumerConfig.CLIENT_ID_CONFIG,
        "adlake-archive",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
        "false",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest",
        // Records of aborted transactions are not part of the stream.
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
        5000,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class.getName());
  }

  /** Scans the archive of each topic and seeks every partition to where its archive ends. */
  private void position() {
    Map<String, List<PartitionInfo>> existing = consumer.listTopics(KAFKA_TIMEOUT);
    List<String> missing = new ArrayList<>();
    Map<TopicPartition, Long> seekTo = new LinkedHashMap<>();
    for (String topic : config.topics()) {
      List<PartitionInfo> infos = existing.get(topic);
      if (infos == null || infos.isEmpty()) {
        missing.add(topic);
        continue;
      }
      ArchiveScan scan = ArchiveScan.of(store, topic);
      TopicState state = new TopicState(topic, scan);
      topics.put(topic, state);
      for (PartitionInfo info :
          infos.stream().sorted((a, b) -> a.partition() - b.partition()).toList()) {
        TopicPartition partition = new TopicPartition(topic, info.partition());
        PartitionState partitionState = new PartitionState(partition, state);
        Long latestHour = scan.latestHours().get(info.partition());
        if (latestHour != null) {
          partitionState.reachedMillis = latestHour * ArchiveLayout.HOUR_MILLIS;
        }
        state.partitions.add(partitionState);
        partitions.put(partition, partitionState);
        Long last = scan.lastOffsets().get(info.partition());
        if (last != null) {
          seekTo.put(partition, last + 1);
        }
      }
      if (scan.removedTemporaries() > 0) {
        progress.accept(
            "%s: deleted %d partial file(s) of an archiver that was stopped abruptly"
                .formatted(topic, scan.removedTemporaries()));
      }
    }
    if (!missing.isEmpty()) {
      progress.accept("not archived, no such topic: " + String.join(", ", missing));
    }
    if (topics.isEmpty()) {
      throw new NotFoundException(
          "Cannot archive: none of the topics %s exists (archive.topics)"
              .formatted(String.join(", ", config.topics())));
    }
    consumer.assign(partitions.keySet());
    Map<TopicPartition, Long> beginnings =
        consumer.beginningOffsets(partitions.keySet(), KAFKA_TIMEOUT);
    for (TopicPartition partition : partitions.keySet()) {
      Long next = seekTo.get(partition);
      long beginning = beginnings.getOrDefault(partition, 0L);
      if (next == null) {
        consumer.seekToBeginning(List.of(partition));
      } else if (next < beginning) {
        LOG.warn(
            "Offsets {} to {} of {} were deleted before they were archived",
            next,
            beginning - 1,
            partition);
        progress.accept(
            "%s: offsets %d to %d were deleted by retention before they were archived"
                .formatted(partition, next, beginning - 1));
        consumer.seek(partition, beginning);
      } else {
        consumer.seek(partition, next);
      }
    }
    refreshPositions();
    refreshEndOffsets();
  }

  /** Archives up to the end offsets the topics have now, then closes every file. */
  public void runOnce() {
    Map<TopicPartition, Long> targets = consumer.endOffsets(partitions.keySet(), KAFKA_TIMEOUT);
    loop.run(() -> caughtUpWith(targets), this::step, Duration.ofMillis(200));
    close();
  }

  /** Archives until {@link #stop()} is called, then closes every file. */
  public void runUntilStopped() {
    loop.run(() -> false, this::step, Duration.ofMillis(500));
    close();
  }

  /** Asks a running archiver to close its files and end; safe from any thread. */
  public void stop() {
    loop.stop();
  }

  private boolean caughtUpWith(Map<TopicPartition, Long> targets) {
    for (PartitionState state : partitions.values()) {
      if (state.position < targets.getOrDefault(state.partition, 0L)) {
        return false;
      }
    }
    return true;
  }

  /** One poll: archives what came, closes files that are due and marks complete hours. */
  void step(Duration wait) {
    var records = consumer.poll(wait);
    try {
      for (ConsumerRecord<byte[], byte[]> record : records) {
        archive(record);
      }
      refreshPositions();
      if (records.isEmpty() || System.nanoTime() - lastEndOffsetsNanos > END_OFFSETS_NANOS) {
        refreshEndOffsets();
      }
      long now = clock.millis();
      closeDueFiles(now);
      completeHours(now);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write the archive in %s: %s".formatted(store.location(), e.getMessage()), e);
    }
    reportProgress();
  }

  private void archive(ConsumerRecord<byte[], byte[]> record) throws IOException {
    PartitionState state = partitions.get(new TopicPartition(record.topic(), record.partition()));
    long hour = ArchiveLayout.hourOf(record.timestamp());
    if (state.open != null && state.open.hour != hour) {
      closeFile(state);
    }
    if (state.open == null) {
      String directory = ArchiveLayout.hourDirectory(state.partition.topic(), hour);
      Path staging =
          store.staging(
              directory
                  + "/"
                  + ArchiveLayout.temporaryName(
                      state.partition.topic(), state.partition.partition(), record.offset()));
      state.open = new OpenFile(hour, record.offset(), clock.millis(), directory, staging);
    }
    OpenFile open = state.open;
    open.out.write(RecordLines.encode(record));
    open.lastOffset = record.offset();
    open.records++;
    state.reachedMillis = Math.max(state.reachedMillis, record.timestamp());
    state.position = record.offset() + 1;
    state.topic.records++;
    state.topic.archivedCounter.increment();
    if (state.topic.completedHours.contains(hour)) {
      state.topic.lateRecords++;
    }
    if (open.records >= config.maxRecordsPerFile()) {
      closeFile(state);
    }
  }

  /** Finishes a partition's open file and publishes it under its final name. */
  private void closeFile(PartitionState state) throws IOException {
    OpenFile open = state.open;
    state.open = null;
    open.out.close();
    TopicPartition partition = state.partition;
    store.publish(
        open.staging,
        open.directory
            + "/"
            + ArchiveLayout.fileName(
                partition.topic(), partition.partition(), open.firstOffset, open.lastOffset));
    state.topic.files++;
    if (!state.topic.completedHours.contains(open.hour)) {
      state.topic.pendingHours.add(open.hour);
    }
  }

  private void closeDueFiles(long now) throws IOException {
    long maxAge = config.maxFileSeconds() * 1000L;
    for (PartitionState state : partitions.values()) {
      OpenFile open = state.open;
      if (open == null) {
        continue;
      }
      if (now - open.openedAtMillis >= maxAge
          || reached(state, now) >= ArchiveLayout.hourEndMillis(open.hour)) {
        closeFile(state);
      }
    }
  }

  /** How far a partition's records have come: further, when nothing is left to read. */
  private long reached(PartitionState state, long now) {
    boolean caughtUp = state.position >= 0 && state.position >= state.endOffset;
    return caughtUp
        ? Math.max(state.reachedMillis, now - config.idleGraceSeconds() * 1000L)
        : state.reachedMillis;
  }

  /** Writes {@code _SUCCESS} in each hour that every partition of its topic has passed. */
  private void completeHours(long now) throws IOException {
    for (TopicState topic : topics.values()) {
      long reached = Long.MAX_VALUE;
      for (PartitionState state : topic.partitions) {
        reached = Math.min(reached, reached(state, now));
      }
      while (!topic.pendingHours.isEmpty()) {
        long hour = topic.pendingHours.first();
        if (ArchiveLayout.hourEndMillis(hour) > reached || hasOpenFile(topic, hour)) {
          break;
        }
        String directory = ArchiveLayout.hourDirectory(topic.name, hour);
        String marker =
            "{\"topic\":\"%s\",\"hour\":\"%s\",\"completed_at\":\"%s\"}\n"
                .formatted(
                    topic.name,
                    Instant.ofEpochMilli(hour * ArchiveLayout.HOUR_MILLIS),
                    Instant.ofEpochMilli(now));
        store.write(
            directory + "/" + ArchiveLayout.SUCCESS, marker.getBytes(StandardCharsets.UTF_8));
        topic.pendingHours.pollFirst();
        topic.completedHours.add(hour);
        topic.hoursCompleted++;
        topic.hoursCounter.increment();
      }
    }
  }

  private static boolean hasOpenFile(TopicState topic, long hour) {
    return topic.partitions.stream()
        .anyMatch(state -> state.open != null && state.open.hour == hour);
  }

  private void refreshPositions() {
    for (PartitionState state : partitions.values()) {
      state.position = consumer.position(state.partition, KAFKA_TIMEOUT);
    }
  }

  private void refreshEndOffsets() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions.keySet(), KAFKA_TIMEOUT);
    ends.forEach((partition, end) -> partitions.get(partition).endOffset = end);
    lastEndOffsetsNanos = System.nanoTime();
  }

  private void reportProgress() {
    long nanos = System.nanoTime();
    if (nanos - lastProgressNanos < PROGRESS_NANOS) {
      return;
    }
    long records = recordsArchived();
    if (records == recordsAtLastProgress) {
      // Quiet: nothing to say until records come.
      lastProgressNanos = nanos;
      return;
    }
    long behind = 0;
    for (PartitionState state : partitions.values()) {
      if (state.endOffset != Long.MAX_VALUE && state.position >= 0) {
        behind += Math.max(0, state.endOffset - state.position);
      }
    }
    double perSecond = (records - recordsAtLastProgress) / ((nanos - lastProgressNanos) / 1e9);
    progress.accept(
        "archived %,d record(s) (%,.0f/s), %,d file(s), %,d hour(s) complete, %,d behind"
            .formatted(
                records,
                perSecond,
                topics.values().stream().mapToLong(topic -> topic.files).sum(),
                topics.values().stream().mapToLong(topic -> topic.hoursCompleted).sum(),
                behind));
    lastProgressNanos = nanos;
    recordsAtLastProgress = records;
  }

  /** Records archived since start, all topics. */
  public long recordsArchived() {
    return topics.values().stream().mapToLong(topic -> topic.records).sum();
  }

  /** Seconds since start. */
  public double elapsedSeconds() {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** What was archived per topic since start. */
  public List<TopicSummary> summary() {
    return topics.values().stream()
        .map(
            topic ->
                new TopicSummary(
                    topic.name,
                    topic.partitions.size(),
                    topic.records,
                    topic.files,
                    topic.hoursCompleted,
                    topic.lateRecords,
                    topic.removedTemporaries))
        .toList();
  }

  public URI directory() {
    return store.location();
  }

  /** Closes every open file and marks the hours that are complete, then lets the topics go. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (PartitionState state : partitions.values()) {
        if (state.open != null) {
          closeFile(state);
        }
      }
      completeHours(clock.millis());
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot close the archive files in %s: %s".formatted(store.location(), e.getMessage()),
          e);
    } finally {
      clientMetrics.close();
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
      closeQuietly(store);
    }
  }

  /**
   * Stops as a killed process would: open files are left as they are, partial and unnamed. For
   * tests of recovery.
   */
  void halt() {
    closed = true;
    for (PartitionState state : partitions.values()) {
      if (state.open != null) {
        closeQuietly(state.open.file);
        state.open = null;
      }
    }
    clientMetrics.close();
    consumer.close(CloseOptions.timeout(Duration.ZERO));
    closeQuietly(store);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Nothing left to save.
    }
  }
}
