package dev.adlake.spark.flywheel;

import dev.adlake.core.ExternalFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The flywheel's folders through Hadoop's file systems, so that the same code works on a local
 * folder and on {@code s3a://}: listing, small text files, sizes.
 */
final class FlywheelFiles {
  /** The folder each output root keeps its snapshot date in, as the design's metadata. */
  static final String METADATA = "metadata";

  static final String SNAPSHOT_FILE = "snapshot_dt.txt";

  private final Configuration hadoop;

  FlywheelFiles(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** The entries of a folder, by name; none when it does not exist. */
  List<FileStatus> list(URI folder) {
    Path path = new Path(folder);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        return List.of();
      }
      List<FileStatus> entries = new ArrayList<>(Arrays.asList(fs.listStatus(path)));
      entries.sort(Comparator.comparing(status -> status.getPath().getName()));
      return entries;
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot list %s: %s".formatted(folder, e.getMessage()), e);
    }
  }

  /**
   * The data files under a folder, at any depth, but hidden ones ({@code _SUCCESS}, {@code .crc}).
   */
  List<FileStatus> dataFiles(URI folder) {
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus entry : list(folder)) {
      String name = entry.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".") || name.equals(METADATA)) {
        continue;
      }
      if (entry.isDirectory()) {
        files.addAll(dataFiles(entry.getPath().toUri()));
      } else {
        files.add(entry);
      }
    }
    return files;
  }

  Optional<String> readText(URI file) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(path)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot read %s: %s".formatted(file, e.getMessage()), e);
    }
  }

  void writeText(URI file, String text) {
    Path path = new Path(file);
    try (OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ExternalFailureException("Cannot write %s: %s".formatted(file, e.getMessage()), e);
    }
  }

  void rename(URI from, URI to) {
    Path source = new Path(from);
    try {
      FileSystem fs = source.getFileSystem(hadoop);
      if (!fs.rename(source, new Path(to))) {
        throw new IOException("the file system refused");
      }
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot rename %s to %s: %s".formatted(from, to, e.getMessage()), e);
    }
  }

  void mkdirs(URI folder) {
    Path path = new Path(folder);
    try {
      path.getFileSystem(hadoop).mkdirs(path);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot create %s: %s".formatted(folder, e.getMessage()), e);
    }
  }

  void delete(URI folder) {
    Path path = new Path(folder);
    try {
      path.getFileSystem(hadoop).delete(path, true);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot delete %s: %s".formatted(folder, e.getMessage()), e);
    }
  }

  /** A folder's URI ending in {@code /}, so that names resolve inside it. */
  static URI folder(URI uri) {
    String text = uri.toString();
    return text.endsWith("/") ? uri : URI.create(text + "/");
  }
}
