package dev.adlake.spark.common;

import dev.adlake.core.ConflictException;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.metadata.JdbcLocks;
import dev.adlake.kafka.archive.ArchiveStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The Kafka archive under an {@code s3a://bucket/prefix}. A file is written to a local staging
 * folder and uploaded whole by one PUT, which S3 makes visible at once or not at all; staging files
 * a killed process left are listed under their temporary names and deleted by the archiver. One
 * archiver per archive across every host, by a PostgreSQL advisory lock on its location.
 */
public final class S3ArchiveStore implements ArchiveStore {
  private final URI location;
  private final String bucket;
  private final String prefix;
  private final Path staging;
  private final S3Client client;
  private final JdbcLocks locks;
  private JdbcLocks.Lock lock;

  /**
   * @param location the archive's {@code s3a://bucket/prefix}
   * @param s3 the lake's S3 settings
   * @param stagingRoot a local folder for the files being written, one sub-folder per location
   */
  public S3ArchiveStore(URI location, LakeConfig s3, Path stagingRoot, JdbcLocks locks) {
    this.location = location;
    this.bucket = location.getHost();
    String path = location.getPath() == null ? "" : location.getPath().replaceAll("^/+|/+$", "");
    this.prefix = path.isEmpty() ? "" : path + "/";
    this.staging = stagingRoot.resolve(bucket).resolve(path.isEmpty() ? "_root" : path);
    this.client = S3Clients.of(s3);
    this.locks = locks;
  }

  @Override
  public URI location() {
    return location;
  }

  @Override
  public void lock() {
    lock =
        locks
            .tryLock("kafka-archive " + location, 0)
            .orElseThrow(
                () ->
                    new ConflictException(
                        "Cannot archive into %s: another archiver is writing there"
                            .formatted(location)));
  }

  @Override
  public List<String> list(String topic) throws IOException {
    List<String> files = new ArrayList<>();
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(
                  request -> request.bucket(bucket).prefix(prefix + topic + "/"))
              .contents()) {
        files.add(object.key().substring(prefix.length()));
      }
    } catch (SdkException e) {
      throw new IOException("cannot list s3a://%s/%s%s/: %s".formatted(bucket, prefix, topic, e));
    }
    Path topicStaging = staging.resolve(topic);
    if (Files.isDirectory(topicStaging)) {
      try (Stream<Path> walk = Files.walk(topicStaging)) {
        walk.filter(Files::isRegularFile)
            .map(file -> staging.relativize(file).toString().replace('\\', '/'))
            .forEach(files::add);
      }
    }
    return files;
  }

  @Override
  public Path staging(String temporaryPath) throws IOException {
    Path file = staging.resolve(temporaryPath);
    Files.createDirectories(file.getParent());
    return file;
  }

  @Override
  public void publish(Path stagingFile, String path) throws IOException {
    try {
      client.putObject(
          request -> request.bucket(bucket).key(prefix + path), RequestBody.fromFile(stagingFile));
    } catch (SdkException e) {
      throw new IOException("cannot upload s3a://%s/%s%s: %s".formatted(bucket, prefix, path, e));
    }
    Files.delete(stagingFile);
  }

  @Override
  public void write(String path, byte[] content) throws IOException {
    try {
      client.putObject(
          request -> request.bucket(bucket).key(prefix + path), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw new IOException("cannot write s3a://%s/%s%s: %s".formatted(bucket, prefix, path, e));
    }
  }

  @Override
  public void delete(String path) throws IOException {
    if (Files.deleteIfExists(staging.resolve(path))) {
      return;
    }
    try {
      client.deleteObject(request -> request.bucket(bucket).key(prefix + path));
    } catch (SdkException e) {
      throw new IOException("cannot delete s3a://%s/%s%s: %s".formatted(bucket, prefix, path, e));
    }
  }

  @Override
  public void close() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
    client.close();
  }
}
