package dev.adlake.spark.cookiemapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.identity.UnionFind;
import dev.adlake.spark.TestPlatform;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MappingGraphs#userIds} on a random graph against a single-machine union-find, through each
 * of its paths: hubs filtered by id or joined away, canonical ids broadcast or joined by a shuffle.
 */
class MappingGraphsIT {
  private static final StructType NODES =
      new StructType()
          .add("node_id", DataTypes.LongType, false)
          .add("partner", DataTypes.StringType, false)
          .add("id", DataTypes.StringType, false)
          .add("region", DataTypes.StringType, false)
          .add("first_seen", DataTypes.TimestampType, false)
          .add("last_seen", DataTypes.TimestampType, false)
          .add("links", DataTypes.IntegerType, false);
  private static final StructType LINKS =
      new StructType().add("src", DataTypes.LongType, false).add("dst", DataTypes.LongType, false);
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  private static final List<Long> ids = new ArrayList<>();
  private static final Map<Long, Long> firstSeen = new HashMap<>();
  private static final List<long[]> links = new ArrayList<>();
  private static final Map<Long, Integer> linkCount = new HashMap<>();
  private static Dataset<Row> nodeRows;
  private static Dataset<Row> linkRows;

  /** 6,000 ids and 6,000 random distinct links: about a third of the ids have more than 2. */
  @BeforeAll
  static void graph() {
    SparkSession spark = TestPlatform.get().spark();
    Random random = new Random(20261123);
    Set<Long> used = new HashSet<>();
    while (ids.size() < 6_000) {
      long id = random.nextLong();
      if (used.add(id)) {
        ids.add(id);
        // Few distinct times, so ties are broken by the smaller id.
        firstSeen.put(id, (long) random.nextInt(50));
      }
    }
    Set<List<Long>> seen = new HashSet<>();
    while (links.size() < 6_000) {
      long a = ids.get(random.nextInt(ids.size()));
      long b = ids.get(random.nextInt(ids.size()));
      if (a != b && seen.add(List.of(Math.min(a, b), Math.max(a, b)))) {
        links.add(new long[] {Math.min(a, b), Math.max(a, b)});
        linkCount.merge(a, 1, Integer::sum);
        linkCount.merge(b, 1, Integer::sum);
      }
    }
    List<Row> nodes = new ArrayList<>();
    for (long id : ids) {
      Timestamp first = Timestamp.from(START.plusSeconds(3600 * firstSeen.get(id)));
      nodes.add(
          RowFactory.create(
              id, "p", "id-" + id, "eu", first, first, linkCount.getOrDefault(id, 0)));
    }
    List<Row> edges = links.stream().map(l -> RowFactory.create(l[0], l[1])).toList();
    nodeRows = spark.createDataFrame(nodes, NODES).repartition(3);
    linkRows = spark.createDataFrame(edges, LINKS).repartition(3);
  }

  @Test
  void manyHubsAreJoinedAway() {
    assertThat(linkCount.values().stream().filter(count -> count > 2).count())
        .as("more hubs than are filtered by id")
        .isGreaterThan(MappingGraphs.FEW_HUBS);
    checkAgainstUnionFind(2, Long.MAX_VALUE);
  }

  @Test
  void canonicalIdsAreJoinedByAShuffleWhenTooManyToBroadcast() {
    checkAgainstUnionFind(2, 0);
  }

  @Test
  void fewHubsAreFilteredById() {
    int maxLinks = 6;
    long hubs = linkCount.values().stream().filter(count -> count > maxLinks).count();
    assertThat(hubs).isBetween(1L, (long) MappingGraphs.FEW_HUBS);
    checkAgainstUnionFind(maxLinks, Long.MAX_VALUE);
  }

  private static void checkAgainstUnionFind(int maxLinks, long broadcastIds) {
    UnionFind check = new UnionFind();
    for (long id : ids) {
      check.add(id);
    }
    for (long[] link : links) {
      if (linkCount.get(link[0]) <= maxLinks && linkCount.get(link[1]) <= maxLinks) {
        check.union(link[0], link[1]);
      }
    }
    // Each component's oldest id: smallest first seen, then smallest id.
    Map<Long, Long> oldest = new HashMap<>();
    check
        .components()
        .forEach(
            (id, component) ->
                oldest.merge(
                    component,
                    id,
                    (a, b) -> {
                      int byTime = Long.compare(firstSeen.get(a), firstSeen.get(b));
                      return byTime < 0 || (byTime == 0 && a < b) ? a : b;
                    }));
    Map<Long, Long> expected = new HashMap<>();
    check.components().forEach((id, component) -> expected.put(id, oldest.get(component)));

    Map<Long, Long> computed = new HashMap<>();
    MappingGraphs.UserIds userIds =
        MappingGraphs.userIds(nodeRows, linkRows, maxLinks, 3, (level, left) -> {}, broadcastIds);
    for (Row row : userIds.rows().collectAsList()) {
      long id = row.getLong(row.fieldIndex("node_id"));
      assertThat(computed.put(id, row.getLong(row.fieldIndex("canonical_id"))))
          .as("node %d once", id)
          .isNull();
      assertThat(row.getBoolean(row.fieldIndex("set_aside")))
          .as("node %d set aside", id)
          .isEqualTo(linkCount.getOrDefault(id, 0) > maxLinks);
    }
    assertThat(computed).isEqualTo(expected);

    // The figures, known before the rows are written, are those of the union-find.
    Map<Long, Long> sizes = new HashMap<>();
    expected.values().forEach(first -> sizes.merge(first, 1L, Long::sum));
    List<Long> largest =
        sizes.values().stream().sorted(Comparator.reverseOrder()).limit(5).toList();
    long hubs = linkCount.values().stream().filter(count -> count > maxLinks).count();
    assertThat(userIds.figures())
        .isEqualTo(new IdentityFigures(ids.size(), sizes.size(), hubs, largest));
    assertThat(sizes.size()).as("components").isLessThan(ids.size() - 100);
  }
}
