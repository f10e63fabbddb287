package dev.adlake.spark.cookiemapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MovedIdsTest {
  @Test
  void mapsMovedIdsToTheirTargetAndEveryOtherIdToItself() {
    MovedIds moved = new MovedIds(30_000);
    Map<Long, Long> expected = new HashMap<>();
    SplittableRandom random = new SplittableRandom(7);
    long[] pairs = new long[60_000];
    int buffered = 0;
    for (int i = 0; i < 30_000; i++) {
      // Zero on either side, negatives, ids that collide in the low bits, and ids to themselves.
      long id =
          switch (i % 4) {
            case 0 -> random.nextLong();
            case 1 -> random.nextLong(2_000);
            case 2 -> -random.nextLong(2_000);
            default -> random.nextLong(64) << 40;
          };
      long target = i % 7 == 0 ? 0 : i % 11 == 0 ? id : random.nextLong();
      if (id == target && expected.containsKey(id)) {
        continue;
      }
      // A thousand one by one, then a thousand in runs of any length, in their order.
      if (i / 1_000 % 2 == 0) {
        moved.putAll(pairs, buffered);
        buffered = 0;
        moved.put(id, target);
      } else {
        pairs[buffered++] = id;
        pairs[buffered++] = target;
        if (random.nextInt(600) == 0) {
          moved.putAll(pairs, buffered);
          buffered = 0;
        }
      }
      if (id != target) {
        expected.put(id, target);
      }
    }
    moved.putAll(pairs, buffered);
    expected.forEach(
        (id, target) -> assertThat(moved.get(id)).as("target of %d", id).isEqualTo(target));
    assertThat(moved.size()).isEqualTo(expected.size());
    for (int i = 0; i < 10_000; i++) {
      long other = random.nextLong();
      if (!expected.containsKey(other)) {
        assertThat(moved.get(other)).isEqualTo(other);
      }
    }
    assertThat(moved.get(0)).isEqualTo(expected.getOrDefault(0L, 0L));
  }

  @Test
  void refusesMoreIdsThanItWasSizedFor() {
    MovedIds moved = new MovedIds(10);
    assertThatThrownBy(
            () -> {
              for (long id = 1; id <= 1_000; id++) {
                moved.put(id, -id);
              }
            })
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sized for");
  }
}
