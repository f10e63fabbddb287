package dev.adlake.spark.ingestion.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamMetersTest {
  @Test
  void theLagOfEachPartitionIsItsLatestOffsetLessTheBatchEnd() throws Exception {
    // A partition the batch has not read yet lags by all it holds.
    assertThat(
            StreamMeters.lags(
                "{\"ingested-tracker\":{\"0\":100,\"1\":250}}",
                "{\"ingested-tracker\":{\"0\":160,\"1\":250},\"ingested-bids\":{\"0\":7}}"))
        .containsExactlyInAnyOrder(
            new StreamMeters.Lag("ingested-tracker", "0", 60),
            new StreamMeters.Lag("ingested-tracker", "1", 0),
            new StreamMeters.Lag("ingested-bids", "0", 7));
  }

  @Test
  void noLatestOffsetMeansNoLag() throws Exception {
    assertThat(StreamMeters.lags("{\"t\":{\"0\":1}}", null)).isEmpty();
  }
}
