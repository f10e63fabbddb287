package dev.adlake.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnionFindTest {
  @Test
  void labelsEachComponentWithItsSmallestId() {
    UnionFind graph = new UnionFind();
    graph.union(50, 7);
    graph.union(7, 90);
    graph.union(-3, 12);
    graph.union(12, 12);
    graph.add(1000);
    graph.union(90, 50);

    assertThat(graph.components())
        .isEqualTo(Map.of(50L, 7L, 7L, 7L, 90L, 7L, -3L, -3L, 12L, -3L, 1000L, 1000L));
  }

  @Test
  void aLongChainIsOneComponent() {
    UnionFind graph = new UnionFind();
    for (long id = 100_000; id > 0; id--) {
      graph.union(id, id - 1);
    }
    Map<Long, Long> components = graph.components();
    assertThat(components).hasSize(100_001);
    assertThat(components.values()).containsOnly(0L);
  }
}
