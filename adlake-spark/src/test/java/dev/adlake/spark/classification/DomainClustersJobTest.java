package dev.adlake.spark.classification;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DomainClustersJobTest {
  @Test
  void aVisitorsProfileIsTheirMostVisitedClustersMostFirst() {
    long[] views = {0, 5, 9, 5, 1, 7, 0, 2};

    assertThat(DomainClustersJob.topClusters(views, 4)).containsExactly(2, 5, 1, 3);
  }

  @Test
  void tiesKeepTheLowerClusterAndEmptyClustersAreNeverInTheProfile() {
    assertThat(DomainClustersJob.topClusters(new long[] {3, 3, 3}, 2)).containsExactly(0, 1);
    assertThat(DomainClustersJob.topClusters(new long[] {0, 4, 0}, 4)).containsExactly(1);
    assertThat(DomainClustersJob.topClusters(new long[] {0, 0}, 4)).isEmpty();
  }

  @Test
  void aLaterBiggerClusterPushesTheSmallestOut() {
    assertThat(DomainClustersJob.topClusters(new long[] {1, 2, 3, 4, 5, 6}, 3))
        .containsExactly(5, 4, 3);
  }
}
