package dev.adlake.kafka.check;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.anomaly.AlertNotice;
import dev.adlake.core.anomaly.AlertNotifier;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.MonitoringConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.Job;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.StopOnSignal;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.MetadataStore;
import dev.adlake.core.stream.KafkaServers;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.PollLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * stream-checks: watches the sources' {@code ingested-*} topics minute by minute ({@link
 * StreamChecker}) and raises what it finds into {@code adlake.alerts} (kind {@value #ALERT_KIND}),
 * once per episode, and sends each new alert to the webhook and mail of the configuration: a
 * source's drop or silence, malformed records, schema drift and null jumps, each within a minute of
 * the minute's end. Live from the topics' ends, or with {@code once} over what the topics hold,
 * from their beginnings.
 */
public final class StreamCheckJob implements Job {
  public static final String NAME = "stream-checks";

  /** The kind of the alerts it raises. */
  public static final String ALERT_KIND = "stream_check";

  public static final JobParameter<Boolean> ONCE =
      JobParameter.optional(
          JobDefinition.ONCE,
          ValueType.bool(),
          "false",
          "Check what the topics hold, from their beginnings to their current ends, then stop");

  private static final Duration POLL = Duration.ofSeconds(1);

  private final List<String> topics;
  private final JobDefinition definition;

  public StreamCheckJob(AdlakeConfig config) {
    this.topics = config.values().get(MonitoringConfig.STREAM_CHECK_TOPICS);
    this.definition =
        new JobDefinition(
            NAME,
            Domain.MONITORING,
            JobKind.STREAMING,
            "Minute-by-minute checks of the sources' topics: drops, malformed records, schema"
                + " drift and nulls, raised as alerts",
            topics.stream().map(Dataset::topic).toList(),
            List.of(Dataset.external("adlake.alerts")),
            List.of(ONCE));
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  /** A finding's alert as sent out, with the source, check, field and minute as fields. */
  static AlertNotice notice(StreamChecker.Finding finding, String message) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("source", finding.source());
    fields.put("check", finding.check());
    fields.put("field", finding.field());
    fields.put("minute", finding.minute().toString());
    fields.put("since", finding.episode().toString());
    String text =
        """
        %s

        Source:  %s
        Check:   %s%s
        Minute:  %s (the first minute of this episode: %s)

        """
                .formatted(
                    message,
                    finding.source(),
                    finding.check(),
                    finding.field().isEmpty() ? "" : " of field " + finding.field(),
                    finding.minute(),
                    finding.episode())
            + AlertNotice.WHERE_TO_LOOK;
    return new AlertNotice(ALERT_KIND, finding.subject(), message, text, fields);
  }

  @Override
  public JobResult run(JobContext context) {
    String servers = context.service(KafkaServers.class).bootstrapServers();
    boolean once = context.parameters().get(ONCE);
    JdbcAlerts alerts = new JdbcAlerts(context.service(MetadataStore.class).dataSource());
    Consumer<String> progress = context.progress();
    AlertNotifier notifier = context.service(AlertNotifier.class);
    long[] raised = new long[1];
    long[] notifyFailures = new long[1];
    Watch watch =
        watch(
            servers,
            topics,
            once,
            finding -> {
              String message =
                  "%s: %s (minute %s)"
                      .formatted(finding.subject(), finding.message(), finding.minute());
              if (alerts.raise(ALERT_KIND, finding.subject(), finding.episode(), message)) {
                raised[0]++;
                progress.accept("ALERT " + message);
                // A webhook or mail server down must not stop the watch: the alert is in the
                // table all the same, and the failure is counted and shown.
                try {
                  notifier.send(notice(finding, message));
                } catch (RuntimeException e) {
                  notifyFailures[0]++;
                  progress.accept("could not send the alert out: " + e.getMessage());
                }
              }
            },
            progress);
    progress.accept(
        "%,d record(s), %,d minute(s) judged, %,d finding(s), %,d new alert(s)"
            .formatted(watch.records(), watch.minutesJudged(), watch.findings(), raised[0]));
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("minutes_judged", watch.minutesJudged());
    figures.put("findings", watch.findings());
    figures.put("alerts_raised", raised[0]);
    figures.put("notify_failures", notifyFailures[0]);
    return new JobResult(watch.records(), raised[0], figures);
  }

  /** What a watch read and found. */
  public record Watch(long records, long minutesJudged, long findings) {}

  /**
   * Watches the topics, every finding to the sink (each minute a check fails, the same episode
   * included): live from their ends until stopped, or once from their beginnings to their ends.
   */
  public static Watch watch(
      String servers,
      List<String> topics,
      boolean once,
      Consumer<StreamChecker.Finding> sink,
      Consumer<String> progress) {
    StreamChecker checker = new StreamChecker();
    long[] counts = new long[2]; // records, findings
    Consumer<List<StreamChecker.Finding>> found =
        findings -> {
          for (StreamChecker.Finding finding : findings) {
            counts[1]++;
            Counter.builder("adlake.stream.check.findings")
                .description("Minutes a source failed a stream check, by source and check")
                .tags("source", finding.source(), "check", finding.check())
                .register(Metrics.globalRegistry)
                .increment();
            sink.accept(finding);
          }
        };
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(servers))) {
      List<TopicPartition> partitions = partitions(consumer, servers, topics);
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      if (once) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      progress.accept(
          "checking %s minute by minute%s"
              .formatted(
                  String.join(", ", topics),
                  once ? ", from the beginning to the current ends" : " (Ctrl-C stops)"));
      PollLoop loop = new PollLoop(consumer);
      try (StopOnSignal stop = StopOnSignal.install("adlake-stream-checks", loop::stop)) {
        loop.run(
            () -> once && caughtUp(consumer, ends),
            wait -> {
              ConsumerRecords<byte[], byte[]> records = consumer.poll(wait);
              for (ConsumerRecord<byte[], byte[]> record : records) {
                counts[0]++;
                checker.observe(
                    StreamTopics.sourceOf(record.topic()),
                    record.partition(),
                    record.timestamp(),
                    record.value());
              }
              found.accept(checker.advance());
              if (records.isEmpty() && !once) {
                // Caught up: minutes end by the clock, so a silent source is seen too.
                found.accept(checker.advanceTo(Clock.systemUTC().instant()));
              }
            },
            POLL);
      }
      if (once) {
        // Every partition was read to its end: the minutes before the last record are complete.
        found.accept(checker.finish());
      }
    } catch (KafkaException e) {
      throw new ExternalFailureException(
          "Cannot check topics %s at %s: %s".formatted(topics, servers, e.getMessage()), e);
    }
    return new Watch(counts[0], checker.judgedMinutes(), counts[1]);
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String servers, List<String> topics) {
    Map<String, List<PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(30));
    List<TopicPartition> partitions = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = existing.get(topic);
      if (infos == null || infos.isEmpty()) {
        missing.add(topic);
        continue;
      }
      infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    }
    if (!missing.isEmpty()) {
      throw new ExternalFailureException(
          "Cannot check %s: no such topic at %s (monitoring.stream-check-topics)"
              .formatted(String.join(", ", missing), servers),
          null);
    }
    return partitions;
  }

  private static boolean caughtUp(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static Properties properties(String servers) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "adlake-stream-checks");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return properties;
  }
}
