package dev.adlake.spark.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adlake.core.feed.LineParser;
import dev.adlake.core.feed.RowSink;
import dev.adlake.core.feed.TextFeedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;

/**
 * In a Spark task: the rows of the task's file splits, parsed line by line (or record by record,
 * for Avro and Parquet) as they are asked for (memory is one line and one row, whatever the file's
 * size). Rejected lines go to a JSON-lines file of the task in the batch's staging folder; what
 * each split held (lines, rows, rejects, its checksum, or the error that stopped it) goes to an
 * accumulator when the task has read them all.
 */
final class SplitRows implements Iterator<Row>, RowSink {
  /** What one split gave. */
  record Result(
      int index,
      long loadId,
      int part,
      long rows,
      long rejected,
      int checksum,
      String error,
      String rejectsFile,
      long firstRejectLine,
      String firstRejectReason)
      implements Serializable {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Iterator<FileSplit> splits;
  private final Configuration hadoop;
  private final String staging;
  private final CollectionAccumulator<Result> accumulator;
  private final List<Result> results = new ArrayList<>();

  private FileSplit split;
  private LineSource source;
  private RecordSource records;
  private long lineNumber;
  private long rows;
  private long rejected;
  private long firstRejectLine;
  private String firstRejectReason;
  private Row next;
  private OutputStream rejects;
  private String rejectsFile;
  private boolean done;

  SplitRows(
      Iterator<FileSplit> splits,
      Configuration hadoop,
      String staging,
      CollectionAccumulator<Result> accumulator) {
    this.splits = splits;
    this.hadoop = hadoop;
    this.staging = staging;
    this.accumulator = accumulator;
  }

  @Override
  public boolean hasNext() {
    while (next == null && !done) {
      advance();
    }
    return next != null;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Row row = next;
    next = null;
    return row;
  }

  /** Reads one line (or opens the next split, or ends); a row it gives becomes {@code next}. */
  private void advance() {
    if (records != null) {
      try {
        Map<String, Object> record = records.next();
        if (record == null) {
          endSplit(null);
          return;
        }
        lineNumber++;
        TextFeedReader.readRecord(split.schema(), lineNumber, record, this);
      } catch (IOException | RuntimeException e) {
        endSplit(e.getMessage() == null ? e.toString() : e.getMessage());
      }
      return;
    }
    if (source == null) {
      if (!splits.hasNext()) {
        finish();
        return;
      }
      start(splits.next());
      return;
    }
    try {
      String line = source.next();
      if (line == null) {
        endSplit(null);
        return;
      }
      lineNumber++;
      if (split.part() == 0 && lineNumber == 1) {
        if (split.header()) {
          return;
        }
        line = LineParser.stripByteOrderMark(line);
      }
      split.parser().parse(lineNumber, line, this);
    } catch (IOException | RuntimeException e) {
      endSplit(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private void start(FileSplit next) {
    split = next;
    rows = 0;
    rejected = 0;
    firstRejectLine = 0;
    firstRejectReason = null;
    try {
      if (split.binary()) {
        records = RecordSource.open(split, hadoop);
        lineNumber = 0;
        return;
      }
      source = LineSource.open(split, hadoop);
      lineNumber = split.firstLine() + (source.partialSkipped() ? 1 : 0);
    } catch (IOException | RuntimeException e) {
      source = null;
      records = null;
      results.add(result(e.getMessage() == null ? e.toString() : e.getMessage(), 0));
    }
  }

  private void endSplit(String error) {
    int checksum = 0;
    try {
      if (records != null) {
        try (RecordSource done = records) {
          if (error == null) {
            checksum = done.checksum();
          }
        }
      } else {
        if (error == null) {
          source.finishChecksum();
          checksum = source.checksum();
        }
        source.close();
      }
    } catch (IOException e) {
      error = error == null ? e.getMessage() : error;
    }
    source = null;
    records = null;
    results.add(result(error, checksum));
  }

  /** What the current split gave: its counts, checksum and error (null when none). */
  private Result result(String error, int checksum) {
    return new Result(
        split.index(),
        split.loadId(),
        split.part(),
        rows,
        rejected,
        checksum,
        error,
        rejectsFile,
        firstRejectLine,
        firstRejectReason);
  }

  private void finish() {
    done = true;
    if (rejects != null) {
      try {
        rejects.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the rejected lines to " + rejectsFile, e);
      }
    }
    results.forEach(accumulator::add);
  }

  @Override
  public void row(long line, Object[] values) {
    Object[] row = new Object[values.length + 3];
    for (int i = 0; i < values.length; i++) {
      row[i] = FileLoader.sparkValue(values[i]);
    }
    row[values.length] = split.loadId();
    row[values.length + 1] = split.key();
    row[values.length + 2] = line;
    rows++;
    next = RowFactory.create(row);
  }

  @Override
  public void reject(long line, String raw, String reason) {
    rejected++;
    if (firstRejectReason == null) {
      firstRejectLine = line;
      firstRejectReason = reason;
    }
    ObjectNode node = JSON.createObjectNode();
    node.put(FeedTables.LOAD_ID, split.loadId());
    node.put(FeedTables.OBJECT_KEY, split.key());
    node.put("line", line);
    node.put("raw_line", raw);
    node.put("reason", reason);
    try {
      if (rejects == null) {
        TaskContext task = TaskContext.get();
        rejectsFile =
            staging
                + "/rejects-"
                + (task == null ? 0 : task.partitionId())
                + "-"
                + (task == null ? 0 : task.attemptNumber())
                + ".jsonl";
        Path path = new Path(rejectsFile);
        rejects = FileSystem.get(path.toUri(), hadoop).create(path, true);
      }
      rejects.write(JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8));
      rejects.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the rejected lines to " + rejectsFile, e);
    }
  }
}
