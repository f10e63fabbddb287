package dev.adlake.spark.ingestion.enrich;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The Parquet data files one task writes for a table, a file per partition of the table's spec
 * (Iceberg's own writers, with the table's write properties), to be committed by the driver.
 */
final class TableFiles {
  private final Table table;
  private final FanoutDataWriter<Record> writer;
  private final PartitionKey key;
  private final InternalRecordWrapper wrapper;
  private boolean closed;

  /**
   * @param operationId names the files of one batch; with the partition and task ids, each file
   */
  TableFiles(Table table, int partitionId, long taskId, String operationId) {
    this.table = table;
    long targetSize =
        PropertyUtil.propertyAsLong(
            table.properties(),
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    this.writer =
        new FanoutDataWriter<>(
            new GenericFileWriterFactory.Builder(table).dataFileFormat(FileFormat.PARQUET).build(),
            OutputFileFactory.builderFor(table, partitionId, taskId)
                .format(FileFormat.PARQUET)
                .operationId(operationId)
                .build(),
            table.io(),
            targetSize);
    this.key = new PartitionKey(table.spec(), table.schema());
    this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
  }

  void write(Record row) {
    key.partition(wrapper.wrap(row));
    writer.write(row, table.spec(), key);
  }

  /** Closes the files and says what they are. */
  List<DataFile> finish() {
    close();
    return List.copyOf(writer.result().dataFiles());
  }

  /** Closes the files of a failed task and deletes them: they will never be committed. */
  void abort() {
    try {
      close();
      writer.result().dataFiles().forEach(file -> table.io().deleteFile(file.location()));
    } catch (RuntimeException e) {
      // The files are unreferenced either way; the task's own failure is what matters.
    }
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the data files of " + table.name(), e);
    }
  }
}
