package dev.adlake.spark.cookiemapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.identity.UnionFind;
import dev.adlake.core.job.JobResult;
import dev.adlake.generator.identity.MappingGraph;
import dev.adlake.generator.identity.MappingGraphOptions;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.common.Pseudonymizer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The identity graph from a generated true graph, day by day: each incremental run against an
 * independent union-find over the same observations, canonical ids stable across runs, the last day
 * against the planted users, and a full recompute equal to the incremental result.
 */
class UserIdsMapperIT {
  private static final StructType OBSERVATIONS =
      new StructType()
          .add("partner", DataTypes.StringType, false)
          .add("partner_id", DataTypes.StringType, false)
          .add("user_id", DataTypes.StringType, false)
          .add("region", DataTypes.StringType, false)
          .add("event_time", DataTypes.TimestampType, false);
  private static final int DAYS = 4;
  private static final int MAX_LINKS = 50;

  @Test
  void incrementalRunsEqualUnionFindTheTruthAndAFullRecompute() throws Exception {
    SparkSession spark = TestPlatform.get().spark();
    String namespace = "identity_it_" + Long.toHexString(System.nanoTime());
    String input = namespace + ".mappings";
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + namespace);
    spark.sql("CREATE TABLE %s (%s) USING iceberg".formatted(input, OBSERVATIONS.toDDL()));
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    MappingGraph graph =
        new MappingGraph(MappingGraphOptions.sample(7, 1_500, DAYS, start).withUsers(1_500, 150));
    List<MappingGraph.User> users = new ArrayList<>();
    List<MappingEvent> events = new ArrayList<>();
    for (long u = 0; u < graph.options().users(); u++) {
      MappingGraph.User user = graph.user(u);
      users.add(user);
      events.addAll(graph.events(user));
    }
    IdentityTables incremental = new IdentityTables(namespace + "_inc");
    UserIdsMapperJob job =
        new UserIdsMapperJob(List.of(UserIdsMapperJob.MappingInput.enriched(input)), incremental);

    Map<String, Node> previous = Map.of();
    boolean sawHubSetAside = false;
    boolean sawMerge = false;
    for (int day = 0; day < DAYS; day++) {
      Instant from = start.plus(Duration.ofDays(day));
      Instant to = from.plus(Duration.ofDays(1));
      List<Row> rows = new ArrayList<>();
      for (MappingEvent event : events) {
        if (!event.eventTime().isBefore(from) && event.eventTime().isBefore(to)) {
          rows.add(
              RowFactory.create(
                  event.partner(),
                  event.partnerId(),
                  event.userId(),
                  event.region(),
                  Timestamp.from(event.eventTime())));
        }
      }
      spark.createDataFrame(rows, OBSERVATIONS).writeTo(input).append();
      JobResult result = job.run(spark, false, MAX_LINKS);
      assertThat(result.figures().get("observations")).isEqualTo(rows.size());

      Map<String, Node> table = read(spark, incremental.userIds());
      Map<String, String> expected = unionFind(events, to, table);
      Map<String, String> computed = new HashMap<>();
      table.forEach((key, node) -> computed.put(key, node.canonicalKey));
      assertThat(computed).as("day %d against union-find", day).isEqualTo(expected);
      for (Node node : table.values()) {
        assertThat(node.setAside).as("set aside %s", node.key).isEqualTo(node.links > MAX_LINKS);
        sawHubSetAside |= node.setAside;
      }
      sawMerge |= checkStable(previous, table);
      previous = table;
    }
    assertThat(sawHubSetAside).as("a hub crossed the limit").isTrue();
    assertThat(sawMerge).as("components merged across runs").isTrue();

    // The last day against the planted truth: each user one component, hubs alone.
    Set<String> hubs = new HashSet<>();
    graph.hubs().forEach(hub -> hubs.add(hub.partner() + "/" + hub.id()));
    Map<String, Long> userOf = new HashMap<>();
    for (MappingGraph.User user : users) {
      for (MappingGraph.Node node : user.nodes()) {
        userOf.put(node.partner() + "/" + node.id(), user.index());
      }
    }
    Map<String, Long> plantedOfCanonical = new HashMap<>();
    for (Node node : previous.values()) {
      if (hubs.contains(node.key)) {
        assertThat(node.setAside).as("hub %s set aside", node.key).isTrue();
        continue;
      }
      Long user = userOf.get(node.key);
      assertThat(user).as("node %s is a planted user's", node.key).isNotNull();
      Long before = plantedOfCanonical.putIfAbsent(node.canonicalKey, user);
      assertThat(before == null ? user : before).as("one user per component").isEqualTo(user);
    }
    assertThat(plantedOfCanonical).hasSize(users.size());
    assertThat(previous).hasSize(userOf.size() + hubs.size());

    // Nothing new: nothing to do.
    assertThat(job.run(spark, false, MAX_LINKS).figures().get("observations")).isZero();

    // A late sighting, older than anything, of a link between two ids of a component of more than
    // three ids, neither of them its canonical one: the canonical id moves to one of the two, for
    // the
    // whole component, as a full recompute would have it.
    Map<String, Node> before = previous;
    Map<String, Long> sizes = new HashMap<>();
    before.values().forEach(node -> sizes.merge(node.canonicalKey, 1L, Long::sum));
    MappingEvent lateEvent =
        events.stream()
            .filter(
                event -> {
                  Node partnerNode = before.get(event.partner() + "/" + event.partnerId());
                  Node ourNode = before.get("adlake/" + event.userId());
                  return partnerNode != null
                      && ourNode != null
                      && !partnerNode.setAside
                      && !ourNode.setAside
                      && sizes.get(partnerNode.canonicalKey) > 3
                      && !partnerNode.canonicalKey.equals(partnerNode.key)
                      && !partnerNode.canonicalKey.equals("adlake/" + event.userId());
                })
            .findFirst()
            .orElseThrow();
    String oldCanonical =
        before.get(lateEvent.partner() + "/" + lateEvent.partnerId()).canonicalKey;
    spark
        .createDataFrame(
            List.of(
                RowFactory.create(
                    lateEvent.partner(),
                    lateEvent.partnerId(),
                    lateEvent.userId(),
                    lateEvent.region(),
                    Timestamp.from(start.minus(Duration.ofDays(3))))),
            OBSERVATIONS)
        .writeTo(input)
        .append();
    job.run(spark, false, MAX_LINKS);
    Map<String, Node> afterLate = read(spark, incremental.userIds());
    Node lateNode = afterLate.get(lateEvent.partner() + "/" + lateEvent.partnerId());
    assertThat(lateNode.canonicalKey)
        .as("the late sighting's ids are their component's oldest")
        .isIn(lateNode.key, "adlake/" + lateEvent.userId());
    for (Node node : before.values()) {
      if (node.canonicalKey.equals(oldCanonical)) {
        assertThat(afterLate.get(node.key).canonicalKey)
            .as("%s follows its component's new canonical id", node.key)
            .isEqualTo(lateNode.canonicalKey);
      }
    }

    // A full recompute from all observations gives the same tables.
    IdentityTables full = new IdentityTables(namespace + "_full");
    new UserIdsMapperJob(List.of(UserIdsMapperJob.MappingInput.enriched(input)), full)
        .run(spark, true, MAX_LINKS);
    assertSameRows(rowsOf(spark, full.userIds()), rowsOf(spark, incremental.userIds()));
    // The same links; a link's first sighting stays that of the run that added it, so the late
    // one (a link known already) differs there alone.
    assertThat(linksOf(spark, full.edges())).isEqualTo(linksOf(spark, incremental.edges()));
    assertThat(
            spark
                .table(full.edges())
                .except(spark.table(incremental.edges()))
                .collectAsList()
                .stream()
                .map(row -> row.getTimestamp(2).toInstant())
                .toList())
        .containsExactly(start.minus(Duration.ofDays(3)));

    // So does recomputing the components from the tables' graph.
    List<String> merged = rowsOf(spark, incremental.userIds());
    job.recompute(spark, MAX_LINKS);
    assertSameRows(merged, rowsOf(spark, incremental.userIds()));

    // A changed hub limit needs the components recomputed first, then runs go on with it.
    int raisedLimit = 1_000;
    assertThatThrownBy(() -> job.run(spark, false, raisedLimit))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max-links is 1000 but the identity tables were computed with 50")
        .hasMessageContaining("recompute=true");
    JobResult raised = job.recompute(spark, raisedLimit);
    assertThat(raised.figures().get("set_aside")).isZero();
    assertThat(raised.figures().get("components")).isLessThan(plantedOfCanonical.size());
    assertThat(job.run(spark, false, raisedLimit).figures().get("observations")).isZero();
  }

  @Test
  void partnerFilesJoinCookieSyncThroughThePseudonymAndBadRowsAreSetAside() throws Exception {
    SparkSession spark = TestPlatform.get().spark();
    String namespace = "identity_files_" + Long.toHexString(System.nanoTime());
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + namespace);
    String stream = namespace + ".mappings";
    String files = namespace + ".partner_files";
    for (String table : List.of(stream, files)) {
      spark.sql("CREATE TABLE %s (%s) USING iceberg".formatted(table, OBSERVATIONS.toDDL()));
    }
    Pseudonymizer pseudonyms = new Pseudonymizer("a test key of at least sixteen bytes");
    Timestamp time = Timestamp.from(Instant.parse("2026-11-20T10:00:00Z"));
    // The enricher wrote the cookie-sync event with our id pseudonymised.
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("sharethis", "ST-1", pseudonyms.pseudonymize("c-1"), "eu", time)),
            OBSERVATIONS)
        .writeTo(stream)
        .append();
    // A partner's file names the same cookie as we gave it, and has three rows outside the rules.
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("liveramp", "LR-9", "c-1", "eu", time),
                RowFactory.create("33across", "X-1", "c-2", "EU", time),
                RowFactory.create(MappingEvent.OUR_PARTNER, "A-1", "c-3", "eu", time),
                RowFactory.create("sharethis", "has space", "c-4", "eu", time)),
            OBSERVATIONS)
        .writeTo(files)
        .append();
    IdentityTables tables = new IdentityTables(namespace + "_graph");

    JobResult result =
        new UserIdsMapperJob(
                List.of(
                    UserIdsMapperJob.MappingInput.enriched(stream),
                    UserIdsMapperJob.MappingInput.asSent(files)),
                tables)
            .run(spark, false, MAX_LINKS, pseudonyms);

    assertThat(result.figures())
        .containsEntry("observations", 5L)
        .containsEntry("observations_invalid", 3L)
        .containsEntry("ids", 3L)
        .containsEntry("components", 1L);
    Map<String, Node> table = read(spark, tables.userIds());
    assertThat(table.keySet())
        .containsExactlyInAnyOrder(
            "sharethis/ST-1",
            "liveramp/LR-9",
            MappingEvent.OUR_PARTNER + "/" + pseudonyms.pseudonymize("c-1"));
  }

  /**
   * An unchanged component keeps its canonical id; a component made of whole old ones takes the
   * oldest one's. True when some component merged.
   */
  private static boolean checkStable(Map<String, Node> before, Map<String, Node> after) {
    Map<String, Set<String>> oldMembers = members(before);
    Map<String, Set<String>> newMembers = members(after);
    boolean merged = false;
    for (Map.Entry<String, Set<String>> component : newMembers.entrySet()) {
      Set<String> oldCanonicals = new HashSet<>();
      for (String key : component.getValue()) {
        Node old = before.get(key);
        if (old != null) {
          oldCanonicals.add(old.canonicalKey);
        }
      }
      boolean whole =
          oldCanonicals.stream()
              .allMatch(canonical -> component.getValue().containsAll(oldMembers.get(canonical)));
      if (oldCanonicals.isEmpty() || !whole) {
        continue;
      }
      String oldest =
          oldCanonicals.stream()
              .min(
                  Comparator.comparing((String key) -> before.get(key).firstSeen)
                      .thenComparingLong(key -> before.get(key).nodeId))
              .orElseThrow();
      assertThat(component.getKey())
          .as("canonical of %s (was %s)", component.getValue().size(), oldCanonicals)
          .isEqualTo(oldest);
      merged |= oldCanonicals.size() > 1;
    }
    return merged;
  }

  private static Map<String, Set<String>> members(Map<String, Node> table) {
    Map<String, Set<String>> members = new HashMap<>();
    table.forEach(
        (key, node) -> members.computeIfAbsent(node.canonicalKey, k -> new HashSet<>()).add(key));
    return members;
  }

  /**
   * On one machine, from the events before {@code until}: hubs by their distinct links, components
   * of the other links, and each component's oldest node (first seen, then node id as the table
   * numbers it) as its canonical.
   */
  private static Map<String, String> unionFind(
      List<MappingEvent> events, Instant until, Map<String, Node> table) {
    Map<String, Instant> firstSeen = new HashMap<>();
    Set<List<String>> links = new HashSet<>();
    for (MappingEvent event : events) {
      if (!event.eventTime().isBefore(until)) {
        continue;
      }
      String partnerKey = event.partner() + "/" + event.partnerId();
      String ourKey = MappingEvent.OUR_PARTNER + "/" + event.userId();
      firstSeen.merge(partnerKey, event.eventTime(), (a, b) -> a.isBefore(b) ? a : b);
      firstSeen.merge(ourKey, event.eventTime(), (a, b) -> a.isBefore(b) ? a : b);
      links.add(List.of(partnerKey, ourKey));
    }
    assertThat(table.keySet()).isEqualTo(firstSeen.keySet());
    Map<String, Integer> degree = new HashMap<>();
    for (List<String> link : links) {
      degree.merge(link.get(0), 1, Integer::sum);
      degree.merge(link.get(1), 1, Integer::sum);
    }
    UnionFind unionFind = new UnionFind();
    Map<Long, String> keyOf = new HashMap<>();
    for (String key : firstSeen.keySet()) {
      long id = table.get(key).nodeId;
      keyOf.put(id, key);
      unionFind.add(id);
      assertThat(table.get(key).links).as("links of %s", key).isEqualTo(degree.get(key));
    }
    for (List<String> link : links) {
      if (degree.get(link.get(0)) <= MAX_LINKS && degree.get(link.get(1)) <= MAX_LINKS) {
        unionFind.union(table.get(link.get(0)).nodeId, table.get(link.get(1)).nodeId);
      }
    }
    Map<Long, List<String>> groups = new HashMap<>();
    unionFind
        .components()
        .forEach(
            (id, label) ->
                groups.computeIfAbsent(label, l -> new ArrayList<>()).add(keyOf.get(id)));
    Map<String, String> canonical = new TreeMap<>();
    for (List<String> group : groups.values()) {
      String oldest =
          group.stream()
              .min(
                  Comparator.comparing((String key) -> firstSeen.get(key))
                      .thenComparingLong((String key) -> table.get(key).nodeId))
              .orElseThrow();
      group.forEach(key -> canonical.put(key, oldest));
    }
    return new HashMap<>(canonical);
  }

  private record Node(
      String key,
      long nodeId,
      String canonicalKey,
      Instant firstSeen,
      int links,
      boolean setAside) {}

  private static Map<String, Node> read(SparkSession spark, String table) {
    List<Row> rows =
        spark
            .sql(
                "SELECT u.partner, u.id, u.node_id, c.partner, c.id, u.first_seen, u.links,"
                    + " u.set_aside FROM %s u JOIN %s c ON u.canonical_id = c.node_id"
                        .formatted(table, table))
            .collectAsList();
    Map<String, Node> nodes = new HashMap<>();
    for (Row row : rows) {
      String key = row.getString(0) + "/" + row.getString(1);
      Node node =
          new Node(
              key,
              row.getLong(2),
              row.getString(3) + "/" + row.getString(4),
              row.getTimestamp(5).toInstant(),
              row.getInt(6),
              row.getBoolean(7));
      assertThat(nodes.put(key, node)).as("%s once", key).isNull();
    }
    assertThat(nodes).hasSize((int) spark.table(table).count());
    return nodes;
  }

  private static void assertSameRows(List<String> expected, List<String> actual) {
    Set<String> missing = new java.util.TreeSet<>(expected);
    actual.forEach(missing::remove);
    Set<String> extra = new java.util.TreeSet<>(actual);
    expected.forEach(extra::remove);
    assertThat(extra).as("rows not expected (missing: %s)", missing).isEmpty();
    assertThat(actual).hasSameSizeAs(expected);
  }

  private static List<String> linksOf(SparkSession spark, String table) {
    return spark.table(table).select("src", "dst").collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  private static List<String> rowsOf(SparkSession spark, String table) {
    return spark.table(table).collectAsList().stream().map(Row::toString).sorted().toList();
  }
}
