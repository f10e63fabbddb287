package dev.adlake.spark.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.anomaly.AlertNotice;
import dev.adlake.core.anomaly.AlertNotifier;
import dev.adlake.core.job.JobContext;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Services;
import dev.adlake.spark.Platform;
import dev.adlake.spark.TestPlatform;
import dev.adlake.spark.ingestion.enrich.EventsTables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The anomaly job over the streams, on the platform's Spark and PostgreSQL: three weeks of two
 * sources' events by the hour they reached Kafka, with a daily and weekly cycle; the bid stream
 * silent for three hours and the tracker's failed records jumping from 5% to 40% for two are each
 * raised and sent once, and nothing else of the streams is.
 */
class StreamAnomaliesIT {
  private static final EventsTables TABLES = new EventsTables("anomaly_streams_it");
  private static final Instant START = Instant.parse("2026-10-05T00:00:00Z"); // a Monday
  private static final int HOURS = 21 * 24;
  private static final StructType COUNTS =
      new StructType()
          .add("source", DataTypes.StringType, false)
          .add("hour", DataTypes.TimestampType, false)
          .add("n", DataTypes.IntegerType, false);

  @Test
  void aSilentBidStreamAndAFailedRatioJumpAreRaisedAndNothingElse() throws Exception {
    Platform platform = TestPlatform.get();
    SparkSession spark = platform.spark();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS anomaly_streams_it");
    spark.sql(
        "CREATE TABLE %s (source STRING, event_time TIMESTAMP, kafka_timestamp TIMESTAMP) USING"
                .formatted(TABLES.events())
            + " iceberg");
    spark.sql(
        "CREATE TABLE %s (source STRING, kafka_timestamp TIMESTAMP) USING iceberg"
            .formatted(TABLES.failedEvents()));
    List<Row> events = new ArrayList<>();
    List<Row> failed = new ArrayList<>();
    for (int h = 0; h < HOURS; h++) {
      Timestamp hour = Timestamp.from(START.plus(Duration.ofHours(h)));
      int tracker = usual(h);
      // The bid stream falls silent for hours 499 to 501; the tracker's failed records jump in
      // hours 500 and 501. The last hour (503) is still being filled: it is not judged.
      int bids = h >= 499 && h <= 501 ? 0 : usual(h);
      events.add(RowFactory.create("tracker", hour, tracker));
      if (bids > 0) {
        events.add(RowFactory.create("bids", hour, bids));
      }
      failed.add(
          RowFactory.create(
              "tracker", hour, h == 500 || h == 501 ? tracker * 4 / 10 : tracker / 20));
    }
    spark
        .createDataFrame(events, COUNTS)
        .selectExpr("source", "hour", "explode(sequence(1, n)) AS i")
        .selectExpr(
            "source",
            "timestampadd(SECOND, i, hour) AS event_time",
            "timestampadd(SECOND, i + 2, hour) AS kafka_timestamp")
        .writeTo(TABLES.events())
        .append();
    spark
        .createDataFrame(failed, COUNTS)
        .selectExpr("source", "hour", "explode(sequence(1, n)) AS i")
        .selectExpr("source", "timestampadd(SECOND, i, hour) AS kafka_timestamp")
        .writeTo(TABLES.failedEvents())
        .append();

    List<AlertNotice> sent = new CopyOnWriteArrayList<>();
    List<String> progress = new CopyOnWriteArrayList<>();
    AnomalyJob job = new AnomalyJob(TABLES);
    JobResult first = run(platform, job, sent, progress);
    List<String> streams =
        sent.stream()
            .map(notice -> notice.fields().get("series") + " " + notice.fields().get("anomaly"))
            .filter(text -> text.contains("of source "))
            .toList();
    assertThat(streams)
        .containsExactlyInAnyOrder(
            "events of source bids silent", "failed_ratio of source tracker spike");
    AlertNotice silent =
        sent.stream()
            .filter(notice -> notice.fields().get("series").equals("events of source bids"))
            .findFirst()
            .orElseThrow();
    assertThat(silent.fields().get("start"))
        .isEqualTo(START.plus(Duration.ofHours(499)).toString());
    assertThat(silent.fields().get("end")).isEqualTo(START.plus(Duration.ofHours(502)).toString());
    assertThat((double) silent.fields().get("seen")).isZero();
    assertThat((double) silent.fields().get("expected")).isGreaterThan(100);
    assertThat(first.figures().get("alerts_raised")).isGreaterThanOrEqualTo(2L);
    assertThat(progress)
        .anyMatch(line -> line.startsWith("judged the streams: 24 hour(s) up to 2026-10-25T22:00"));

    // Run again while the anomalies last: raised already, nothing sent.
    sent.clear();
    run(platform, job, sent, progress);
    assertThat(sent).noneMatch(notice -> notice.line().contains("of source "));
  }

  /** A source's events in hour h: busy by day, quiet at night, calmer on weekends. */
  private static int usual(int h) {
    int hourOfDay = h % 24;
    int dayOfWeek = (h / 24) % 7;
    int count = hourOfDay >= 8 && hourOfDay <= 22 ? 1000 : 400;
    return dayOfWeek >= 5 ? count * 7 / 10 : count;
  }

  private static JobResult run(
      Platform platform, AnomalyJob job, List<AlertNotice> sent, List<String> progress) {
    AlertNotifier capture = sent::add;
    Services services =
        new Services() {
          @Override
          public <T> T get(Class<T> type) {
            return type == AlertNotifier.class ? type.cast(capture) : platform.get(type);
          }
        };
    Map<String, String> given = Map.of(AnomalyJob.HOURS.name(), "24");
    long runId = platform.runs().start(job.definition(), given);
    return job.run(
        new JobContext(
            runId, 1, JobParameters.resolve(job.definition(), given), progress::add, services));
  }
}
