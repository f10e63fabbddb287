package dev.adlake.spark.cookiemapping;

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

  @Test
  void numbersInBatchesAsOneByOneWithRepeatsInsideABatch() {
    LongIndex batched = new LongIndex(4);
    LongIndex single = new LongIndex(4);
    SplittableRandom random = new SplittableRandom(5);
    long[] ids = new long[300];
    int[] numbers = new int[300];
    for (int round = 0; round < 2_000; round++) {
      int count = random.nextInt(ids.length + 1);
      for (int i = 0; i < count; i++) {
        // Half of them repeat an id of this batch or an earlier one.
        ids[i] = i > 0 && random.nextBoolean() ? ids[random.nextInt(i)] : random.nextLong(400_000);
      }
      batched.indexAll(ids, count, numbers);
      for (int i = 0; i < count; i++) {
        assertThat(numbers[i]).as("number of %d", ids[i]).isEqualTo(single.indexOf(ids[i]));
      }
    }
    assertThat(batched.size()).isEqualTo(single.size()).isGreaterThan(100_000);
    for (int number = 0; number < single.size(); number++) {
      assertThat(batched.id(number)).isEqualTo(single.id(number));
    }
  }
}
