package dev.adlake.spark.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongIndexTest {
  @Test
  void numbersEachIdOnceInTheOrderFirstSeenThroughGrowth() {
    LongIndex index = new LongIndex(4);
    Map<Long, Integer> expected = new HashMap<>();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      // Repeats, zero, negatives and ids that collide in the low bits.
      long id =
          switch (i % 4) {
            case 0 -> random.nextLong();
            case 1 -> random.nextLong(1_000);
            case 2 -> -random.nextLong(1_000);
            default -> random.nextLong(64) << 40;
          };
      int number = index.indexOf(id);
      Integer before = expected.putIfAbsent(id, expected.size());
      assertThat(number)
          .as("number of %d", id)
          .isEqualTo(before == null ? expected.size() - 1 : before);
    }
    assertThat(index.size()).isEqualTo(expected.size());
    expected.forEach((id, number) -> assertThat(index.id(number)).isEqualTo(id));
  }
}
