package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A day range splits into aligned blocks and single days that cover it exactly once. */
class DailyUniquesIndexTest {
  @Test
  void everyRangeIsCoveredExactlyOnceByAlignedBlocksAndFewSingleDays() {
    for (int from = 0; from < 100; from++) {
      for (int to = from + 1; to <= 130; to++) {
        DailyUniquesIndex.Plan plan = DailyUniquesIndex.plan(from, to);
        int[] covered = new int[130];
        for (int[] block : plan.blocks()) {
          int size = 1 << block[0];
          assertThat(block[0]).isGreaterThanOrEqualTo(DailyUniquesIndex.SMALLEST_BLOCK_POWER);
          for (int day = block[1] * size; day < (block[1] + 1) * size; day++) {
            covered[day]++;
          }
        }
        int singles = 0;
        for (int[] range : plan.singleDayRanges()) {
          for (int day = range[0]; day < range[1]; day++) {
            covered[day]++;
            singles++;
          }
        }
        for (int day = 0; day < 130; day++) {
          assertThat(covered[day])
              .as("day %d of [%d, %d)", day, from, to)
              .isEqualTo(day >= from && day < to ? 1 : 0);
        }
        assertThat(plan.singleDayRanges()).hasSizeLessThanOrEqualTo(2);
        if (to - from >= 8) {
          assertThat(singles).isLessThanOrEqualTo(6);
        }
        assertThat(plan.blocks().size()).isLessThanOrEqualTo(2 * 7);
      }
    }
  }

  @Test
  void ninetyDaysFromTheFirstDayMergeFourBlocksAndTwoDays() {
    DailyUniquesIndex.Plan plan = DailyUniquesIndex.plan(0, 90);
    assertThat(plan.blocks()).extracting(block -> block[0]).containsExactly(6, 4, 3);
    assertThat(plan.singleDayRanges()).containsExactly(new int[] {88, 90});
  }
}
