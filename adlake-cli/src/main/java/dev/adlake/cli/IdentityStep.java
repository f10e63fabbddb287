package dev.adlake.cli;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.run.JobRunner;
import dev.adlake.core.stream.StreamTopics;
import dev.adlake.generator.browsing.BrowsingGenerator;
import dev.adlake.generator.identity.MappingGraph;
import dev.adlake.generator.identity.MappingGraphOptions;
import dev.adlake.kafka.EventProducer;
import dev.adlake.kafka.KafkaMappingSink;
import dev.adlake.kafka.KafkaTopics;
import dev.adlake.spark.Platform;
import dev.adlake.spark.common.PseudonymKey;
import dev.adlake.spark.common.Pseudonymizer;
import dev.adlake.spark.cookiemapping.IdentityFigures;
import dev.adlake.spark.cookiemapping.IdentityTables;
import dev.adlake.spark.cookiemapping.UserIdsMapperJob;
import dev.adlake.spark.reportingenablement.MappingPublisherJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * The quickstart's cookie mapping: a generated identity graph's cookie-sync events sent to {@code
 * ingested-mapping} (the enricher of the streams step takes them), then the userIdsMapper over the
 * enriched mappings, checked against the graph's true users.
 */
final class IdentityStep {
  /** True users of the quickstart's graph. */
  static final int USERS = 4_000;

  /**
   * Users each hub id links, on average: above the job's default limit of links, so the hubs are
   * set aside by the quickstart's run and by a later {@code adlake run user-ids-mapper} alike.
   */
  static final int HUB_LINKS = 1_200;

  private static final int DAYS = 7;

  private IdentityStep() {}

  /** Sends the graph's events, spread over the last days; returns the graph. */
  static MappingGraph send(Platform platform, Console console) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(DAYS));
    MappingGraph graph =
        new MappingGraph(
            MappingGraphOptions.sample(11, USERS, DAYS, start).withUsers(USERS, HUB_LINKS));
    String servers = platform.kafkaBootstrapServers();
    String topic = StreamTopics.ingested(StreamTopics.MAPPING);
    KafkaTopics.ensure(servers, List.of(topic), EventProducer.DEFAULT_PARTITIONS);
    long sent = 0;
    try (KafkaMappingSink sink = new KafkaMappingSink(servers, topic)) {
      for (long u = 0; u < USERS; u++) {
        List<MappingEvent> events = graph.events(graph.user(u));
        sink.send(events);
        sent += events.size();
      }
    }
    console.line(
        "  sent %s cookie-sync events of %s true users (%d days, %d hub ids) to %s",
        Console.count(sent), Console.count(USERS), DAYS, graph.options().hubs(), topic);
    return graph;
  }

  /**
   * Prints the figures of the pipeline's userIdsMapper and publisher runs and compares the
   * components with the true users.
   *
   * @return true when every true user is exactly one component and every hub is set aside
   */
  static boolean report(
      Platform platform,
      Console console,
      MappingGraph graph,
      JobRunner.Outcome outcome,
      double mapperSeconds,
      JobRunner.Outcome published,
      double publisherSeconds) {
    IdentityFigures figures =
        IdentityFigures.of(platform.spark().table(IdentityTables.DEFAULT.userIds()));
    console.line(
        "  %s run %d, %.1f s: %s ids in %s components (canonical user ids), %s hub ids set aside"
            + " (over %s links)",
        UserIdsMapperJob.NAME,
        outcome.runId(),
        mapperSeconds,
        Console.count(figures.ids()),
        Console.count(figures.components()),
        Console.count(figures.setAside()),
        UserIdsMapperJob.MAX_LINKS.defaultText());
    console.line("  largest components: %s ids", figures.largest());
    console.line(
        "  %s run %d, %.1f s: %s",
        MappingPublisherJob.NAME,
        published.runId(),
        publisherSeconds,
        RunCommand.describe(published.result()));
    long publishedRows = publishedRows(platform);

    // Our cookies are in the lake under the enricher's pseudonyms.
    Pseudonymizer pseudonyms = PseudonymKey.pseudonymizer(platform.config());
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
    Map<Long, Integer> idsOfTrueUser = new HashMap<>();
    for (long u = 0; u < USERS; u++) {
      idsOfTrueUser.put(u, graph.user(u).nodes().size());
    }
    // The browsing people's partner ids, landed as a partner mapping file, are true users too.
    long browsingPeople = browsingPeople(platform, pseudonyms, userOf, idsOfTrueUser);
    // A user is found when all its ids are in the table, in one component holding no one else's.
    Map<Long, Set<Long>> componentsOfUser = new HashMap<>();
    Map<Long, Set<Long>> usersOfComponent = new HashMap<>();
    Map<Long, Integer> idsOfUser = new HashMap<>();
    int strangers = 0;
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
      if (user == null) {
        strangers++;
        continue;
      }
      componentsOfUser.computeIfAbsent(user, u -> new HashSet<>()).add(row.getLong(2));
      usersOfComponent.computeIfAbsent(row.getLong(2), c -> new HashSet<>()).add(user);
      idsOfUser.merge(user, 1, Integer::sum);
    }
    long found = 0;
    for (Map.Entry<Long, Integer> user : idsOfTrueUser.entrySet()) {
      Set<Long> components = componentsOfUser.getOrDefault(user.getKey(), Set.of());
      if (components.size() == 1
          && usersOfComponent.get(components.iterator().next()).size() == 1
          && idsOfUser.get(user.getKey()).equals(user.getValue())) {
        found++;
      }
    }
    long trueUsers = idsOfTrueUser.size();
    long mapped = figures.ids() - figures.setAside();
    console.line(
        "  serving store: %s of %s mapped ids in the map_<partner>_<region> tables",
        Console.count(publishedRows), Console.count(mapped));
    boolean exact =
        found == trueUsers
            && strangers == 0
            && hubsSetAside == graph.options().hubs()
            && publishedRows == mapped;
    console.line(
        "  identity graph: %s of %s true users (%s of them browsing people with partner ids)"
            + " found as one component each, %d of %d hubs set aside%s",
        Console.count(found),
        Console.count(trueUsers),
        Console.count(browsingPeople),
        hubsSetAside,
        graph.options().hubs(),
        strangers == 0 ? "" : "; " + strangers + " ids of no true user");
    return exact;
  }

  /**
   * Adds the people of the browsing generator's truth ({@value
   * BrowsingGenerator#PEOPLE_TRUTH_FILE}: each partner id with our user id) as true users numbered
   * after the graph's: their ids to {@code userOf}, their id counts to {@code idsOfTrueUser}.
   * Returns how many; none without the file.
   */
  private static long browsingPeople(
      Platform platform,
      Pseudonymizer pseudonyms,
      Map<String, Long> userOf,
      Map<Long, Integer> idsOfTrueUser) {
    Path truth =
        platform
            .config()
            .expectedDirectory()
            .resolve("browsing")
            .resolve(BrowsingGenerator.PEOPLE_TRUTH_FILE);
    if (!Files.exists(truth)) {
      return 0;
    }
    Map<String, Long> personOf = new HashMap<>();
    try (BufferedReader lines = Files.newBufferedReader(truth, StandardCharsets.UTF_8)) {
      lines.readLine();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] fields = line.split(",", -1);
        Long person = personOf.get(fields[2]);
        if (person == null) {
          person = (long) USERS + personOf.size();
          personOf.put(fields[2], person);
          userOf.put(MappingEvent.OUR_PARTNER + "/" + pseudonyms.pseudonymize(fields[2]), person);
          idsOfTrueUser.put(person, 1);
        }
        userOf.put(fields[0] + "/" + fields[1], person);
        idsOfTrueUser.merge(person, 1, Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + truth, e);
    }
    return personOf.size();
  }

  /** The rows the publisher's index says it put in the serving store's mapping tables. */
  private static long publishedRows(Platform platform) {
    String sql =
        "SELECT coalesce(sum(row_count), 0) FROM %s.%s"
            .formatted(MappingPublisherJob.SERVING_SCHEMA, MappingPublisherJob.INDEX_TABLE);
    try (Connection connection = platform.metadata().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw new ExternalFailureException("Cannot read " + MappingPublisherJob.INDEX_TABLE, e);
    }
  }
}
