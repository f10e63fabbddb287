package dev.adlake.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfSamplerTest {
  @Test
  void drawsEachRankWithItsZipfShare() {
    int n = 1000;
    double exponent = 1.05;
    ZipfSampler sampler = new ZipfSampler(n, exponent);
    SplittableRandom random = new SplittableRandom(1);
    int draws = 2_000_000;
    int[] counts = new int[n];
    for (int i = 0; i < draws; i++) {
      counts[sampler.sample(random)]++;
    }
    double sum = 0;
    for (int rank = 0; rank < n; rank++) {
      sum += 1.0 / Math.pow(rank + 1, exponent);
    }
    for (int rank : new int[] {0, 1, 9, 99}) {
      double expected = 1.0 / Math.pow(rank + 1, exponent) / sum;
      assertThat((double) counts[rank] / draws)
          .as("rank %d", rank)
          .isCloseTo(expected, within(expected * 0.05));
    }
    long tail = 0;
    for (int rank = 500; rank < n; rank++) {
      tail += counts[rank];
    }
    double expectedTail = 0;
    for (int rank = 500; rank < n; rank++) {
      expectedTail += 1.0 / Math.pow(rank + 1, exponent) / sum;
    }
    assertThat((double) tail / draws).isCloseTo(expectedTail, within(expectedTail * 0.05));
  }

  @Test
  void aSingleRankIsAlwaysDrawn() {
    ZipfSampler sampler = new ZipfSampler(1, 1.0);
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < 1000; i++) {
      assertThat(sampler.sample(random)).isZero();
    }
  }
}
