package dev.adlake.cli;

import dev.adlake.core.generate.identity.MappingGraph;
import dev.adlake.core.generate.identity.MappingGraphOptions;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.job.JobRunner;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.kafka.EventProducer;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.spark.Platform;
import dev.adlake.spark.enrich.EnricherJob;
import dev.adlake.spark.enrich.Pseudonymizer;
import dev.adlake.spark.identity.IdentityFigures;
import dev.adlake.spark.identity.IdentityTables;
import dev.adlake.spark.identity.MappingPublisherJob;
import dev.adlake.spark.identity.UserIdsMapperJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Row;

/**
 * The quickstart's cookie mapping: a generated identity graph's cookie-sync events sent to {@code
 * ingested-mapping} (the enricher of the streams step takes them), then the userIdsMapper over the
 * enriched mappings, checked against the graph's true users.
 */
final class IdentityStep {
  /** True users of the quickstart's graph. */
  static final int USERS = 3_000;

  /** The hub limit of the quickstart's run: below the graph's hub links, so hubs are set aside. */
  static final int MAX_LINKS = 100;

  /** The jobs this step runs, after the streams have brought the mappings. */
  static final List<String> JOBS = List.of(UserIdsMapperJob.NAME, MappingPublisherJob.NAME);

  private static final int DAYS = 7;

  private IdentityStep() {}

  /** Sends the graph's events, spread over the last days; returns the graph. */
  static MappingGraph send(Platform platform, Console console) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(DAYS));
    MappingGraph graph =
        new MappingGraph(MappingGraphOptions.sample(11, USERS, DAYS, start).withUsers(USERS, 300));
    String servers = platform.kafkaBootstrapServers();
    String topic = StreamTopics.ingested(StreamTopics.MAPPING);
    KafkaTopics.ensure(servers, List.of(topic), EventProducer.DEFAULT_PARTITIONS);
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            EventProducer.config(servers, "adlake-quickstart-mapping"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      List<Future<RecordMetadata>> pending = new ArrayList<>();
      for (long u = 0; u < USERS; u++) {
        for (MappingEvent event : graph.events(graph.user(u))) {
          pending.add(
              producer.send(
                  new ProducerRecord<>(
                      topic,
                      event.eventId().getBytes(StandardCharsets.UTF_8),
                      event.toJson().getBytes(StandardCharsets.UTF_8))));
          sent++;
        }
      }
      for (Future<RecordMetadata> result : pending) {
        result.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending mapping events", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot send mapping events: " + e.getCause(), e);
    }
    console.line(
        "  sent %s cookie-sync events of %s true users (%d days, %d hub ids) to %s",
        Console.count(sent), Console.count(USERS), DAYS, graph.options().hubs(), topic);
    return graph;
  }

  /**
   * Runs the userIdsMapper, prints its figures and compares its components with the true users.
   *
   * @return true when every true user is exactly one component and every hub is set aside
   */
  static boolean run(Platform platform, Console console, MappingGraph graph) {
    long started = System.nanoTime();
    JobRunner.Outcome outcome =
        platform.run(
            UserIdsMapperJob.NAME,
            Map.of(UserIdsMapperJob.MAX_LINKS.name(), String.valueOf(MAX_LINKS)));
    IdentityFigures figures =
        IdentityFigures.of(platform.spark().table(IdentityTables.DEFAULT.userIds()));
    console.line(
        "  %s run %d, %.1f s: %s ids in %s components (canonical user ids), %s hub ids set aside"
            + " (over %d links)",
        UserIdsMapperJob.NAME,
        outcome.runId(),
        (System.nanoTime() - started) / 1e9,
        Console.count(figures.ids()),
        Console.count(figures.components()),
        Console.count(figures.setAside()),
        MAX_LINKS);
    console.line("  largest components: %s ids", figures.largest());
    long publishing = System.nanoTime();
    JobRunner.Outcome published = platform.run(MappingPublisherJob.NAME, Map.of());
    console.line(
        "  %s run %d, %.1f s: %s",
        MappingPublisherJob.NAME,
        published.runId(),
        (System.nanoTime() - publishing) / 1e9,
        RunCommand.describe(published.result()));

    // Our cookies are in the lake under the enricher's pseudonyms.
    Pseudonymizer pseudonyms = new Pseudonymizer(EnricherJob.pseudonymKey(platform.config()));
    Map<String, Long> userOf = new HashMap<>();
    for (long u = 0; u < USERS; u++) {
      for (MappingGraph.Node node : graph.user(u).nodes()) {
        String id =
            node.partner().equals(MappingEvent.OUR_PARTNER)
                ? pseudonyms.pseudonymize(node.id())
                : node.id();
        userOf.put(node.partner() + "/" + id, u);
      }
    }
    Map<Long, Long> userOfComponent = new HashMap<>();
    int wrong = 0;
    int hubsSetAside = 0;
    for (Row row :
        platform
            .spark()
            .table(IdentityTables.DEFAULT.userIds())
            .select("partner", "id", "canonical_id", "set_aside")
            .collectAsList()) {
      if (row.getBoolean(3)) {
        hubsSetAside++;
        continue;
      }
      Long user = userOf.get(row.getString(0) + "/" + row.getString(1));
      Long before = user == null ? null : userOfComponent.putIfAbsent(row.getLong(2), user);
      if (user == null || (before != null && !before.equals(user))) {
        wrong++;
      }
    }
    boolean exact =
        wrong == 0 && userOfComponent.size() == USERS && hubsSetAside == graph.options().hubs();
    console.line(
        "  identity graph: %s of %s true users found as one component each, %d of %d hubs set"
            + " aside%s",
        Console.count(userOfComponent.size() - Math.min(wrong, userOfComponent.size())),
        Console.count(USERS),
        hubsSetAside,
        graph.options().hubs(),
        exact ? "" : "; " + wrong + " ids in the wrong component");
    return exact;
  }
}
