package dev.adlake.spark.cookiemapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.identity.UnionFind;
import dev.adlake.spark.TestPlatform;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Test;

class ConnectedComponentsIT {
  private static final StructType EDGES =
      new StructType().add("src", DataTypes.LongType).add("dst", DataTypes.LongType);

  @Test
  void findsPlantedComponentsAsUnionFindDoes() {
    SparkSession spark = TestPlatform.get().spark();
    Random random = new Random(20261123);
    Set<Long> used = new HashSet<>();
    Map<Long, Integer> planted = new HashMap<>();
    List<Row> edges = new ArrayList<>();
    // 400 components of 1 to 60 random ids: a random tree, then extra edges and repeats.
    for (int component = 0; component < 400; component++) {
      List<Long> ids = new ArrayList<>();
      int size = 1 + random.nextInt(60);
      while (ids.size() < size) {
        long id = random.nextLong();
        if (used.add(id)) {
          ids.add(id);
          planted.put(id, component);
        }
      }
      edges.add(RowFactory.create(ids.get(0), ids.get(0)));
      for (int i = 1; i < size; i++) {
        edges.add(RowFactory.create(ids.get(i), ids.get(random.nextInt(i))));
      }
      for (int extra = random.nextInt(size); extra > 0; extra--) {
        edges.add(RowFactory.create(ids.get(random.nextInt(size)), ids.get(random.nextInt(size))));
      }
    }
    // The worst case for label propagation: a path of 3,000 ids in random order of value.
    List<Long> path = new ArrayList<>();
    while (path.size() < 3_000) {
      long id = random.nextLong();
      if (used.add(id)) {
        path.add(id);
        planted.put(id, -1);
      }
    }
    for (int i = 1; i < path.size(); i++) {
      edges.add(RowFactory.create(path.get(i - 1), path.get(i)));
    }
    java.util.Collections.shuffle(edges, random);

    UnionFind check = new UnionFind();
    for (Row edge : edges) {
      check.union(edge.getLong(0), edge.getLong(1));
    }
    List<Integer> rounds = new ArrayList<>();
    Map<Long, Long> computed =
        collect(StarComponents.of(spark.createDataFrame(edges, EDGES).repartition(4), rounds::add));
    List<Integer> levels = new ArrayList<>();
    Map<Long, Long> byLocalUnion =
        collect(
            LocalUnionComponents.of(
                spark.createDataFrame(edges, EDGES).repartition(4),
                3,
                (level, left) -> levels.add(level)));

    // Nothing broadcast: the upper levels' answer and the components joined by a shuffle.
    Dataset<Row> nodes =
        spark.createDataFrame(
            check.components().keySet().stream().map(id -> RowFactory.create(id, 0L)).toList(),
            new StructType().add("id", DataTypes.LongType).add("rank", DataTypes.LongType));
    List<Integer> joinedLevels = new ArrayList<>();
    Map<Long, Long> joined =
        collect(
            LocalUnionComponents.first(
                    spark.createDataFrame(edges, EDGES).repartition(4),
                    nodes,
                    3,
                    (level, left) -> joinedLevels.add(level),
                    0)
                .firsts());

    assertThat(computed).isEqualTo(check.components());
    assertThat(byLocalUnion).isEqualTo(check.components());
    assertThat(joined).isEqualTo(check.components());
    assertThat(joinedLevels).as("upper levels, so their answer is joined").hasSizeGreaterThan(1);
    assertThat(levels).isNotEmpty().hasSizeLessThan(40);
    // The same grouping as planted: ids share a label exactly when they share a component.
    Map<Long, Integer> plantedOfLabel = new HashMap<>();
    computed.forEach(
        (id, label) -> {
          Integer before = plantedOfLabel.putIfAbsent(label, planted.get(id));
          assertThat(before == null ? planted.get(id) : before).isEqualTo(planted.get(id));
        });
    assertThat(plantedOfLabel).hasSize(401);
    assertThat(rounds).isNotEmpty().hasSizeLessThan(40);
  }

  private static Map<Long, Long> collect(Dataset<Row> components) {
    Map<Long, Long> computed = new HashMap<>();
    for (Row row : components.collectAsList()) {
      assertThat(computed.put(row.getLong(0), row.getLong(1)))
          .as("id %s once", row.get(0))
          .isNull();
    }
    return computed;
  }
}
