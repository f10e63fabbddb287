package dev.adlake.cli;

import dev.adlake.core.ChildProcesses;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.LoopbackPorts;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.spark.cluster.StandaloneCluster;
import dev.adlake.spark.common.S3Clients;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What {@code quickstart --cluster} runs on: an S3 server (LocalS3 in a process of its own, its
 * objects kept under the home) holding the warehouse and the enricher's checkpoint, and a Spark
 * standalone cluster of a master and two one-core workers, each its own JVM on the jars of a Spark
 * installation. The settings it returns point adlake at both.
 */
final class QuickstartCluster implements AutoCloseable {
  private static final String BUCKET = "adlake";
  private static final String ACCESS_KEY = "quickstart";
  private static final String SECRET_KEY = "quickstart-secret";

  private final Process s3;
  private final S3Client client;
  private final StandaloneCluster cluster;
  private final Map<String, String> settings;

  private QuickstartCluster(
      Process s3, S3Client client, StandaloneCluster cluster, Map<String, String> settings) {
    this.s3 = s3;
    this.client = client;
    this.cluster = cluster;
    this.settings = settings;
  }

  static QuickstartCluster start(AdlakeConfig config, Console console) {
    Path directory = config.home().resolve("cluster");
    List<Path> sparkJars = StandaloneCluster.installedSparkJars("quickstart --cluster");
    Process s3 = null;
    S3Client client = null;
    try {
      Files.createDirectories(directory.resolve("s3"));
      int port = LoopbackPorts.free();
      Files.createDirectories(directory.resolve("logs"));
      s3 =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-Xmx512m",
                  "-Dadlake.log.dir=" + directory.resolve("logs").resolve("s3"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  S3ServerMain.class.getName(),
                  String.valueOf(port),
                  directory.resolve("s3").toString())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(
                      directory.resolve("logs").resolve("s3.log").toFile()))
              .start();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      client = ensureBucket(endpoint, s3);
      console.line("  S3 server (LocalS3) at %s, objects in %s", endpoint, directory.resolve("s3"));
      StandaloneCluster cluster =
          StandaloneCluster.start(
              new StandaloneCluster.Shape(directory, sparkJars, 2, 1, "2g"),
              line -> console.line("  " + line));
      console.line(
          "  Spark cluster at %s: 2 workers of 1 core, logs in %s",
          cluster.masterUrl(), cluster.logDirectory());
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("spark.master", cluster.masterUrl());
      settings.put("spark.conf.spark.driver.host", "127.0.0.1");
      settings.put("spark.conf.spark.executor.memory", "1500m");
      settings.put("lake.warehouse", "s3a://" + BUCKET + "/warehouse");
      settings.put("lake.s3.endpoint", endpoint.toString());
      settings.put("lake.s3.path-style-access", "true");
      settings.put("lake.s3.access-key-id", ACCESS_KEY);
      settings.put("lake.s3.secret-access-key", SECRET_KEY);
      return new QuickstartCluster(s3, client, cluster, settings);
    } catch (IOException | RuntimeException e) {
      if (s3 != null) {
        s3.destroyForcibly();
      }
      if (client != null) {
        client.close();
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new ExternalFailureException(
          "Could not start the quickstart's cluster in %s: %s".formatted(directory, e.getMessage()),
          e);
    }
  }

  /**
   * A client with the bucket made. It stays open until the server has stopped: the server prints a
   * stack trace for every connection a client resets on closing.
   */
  private static S3Client ensureBucket(URI endpoint, Process server) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
        break;
      } catch (IOException notYet) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("the S3 server did not start; see logs/s3.log", notYet);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
    S3Client client = S3Clients.of(endpoint, ACCESS_KEY, SECRET_KEY);
    boolean exists =
        client.listBuckets().buckets().stream().anyMatch(bucket -> bucket.name().equals(BUCKET));
    if (!exists) {
      client.createBucket(request -> request.bucket(BUCKET));
    }
    return client;
  }

  /** Configuration overrides that put the warehouse on S3 and Spark on the cluster. */
  Map<String, String> settings() {
    return settings;
  }

  @Override
  public void close() {
    cluster.close();
    ChildProcesses.stop(s3, Duration.ofSeconds(10));
    client.close();
  }
}
