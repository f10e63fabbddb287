package dev.adlake.spark.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.ChildProcesses;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A real Spark standalone cluster on this machine: one master and a number of workers, each a
 * separate JVM started from Spark's own classes ({@code org.apache.spark.deploy.master.Master},
 * {@code org.apache.spark.deploy.worker.Worker}) on the jars of a Spark installation, as {@code
 * start-master.sh} and {@code start-worker.sh} would. The workers launch their executors from a
 * Spark home whose {@code jars/} links those jars; adlake's own classes reach the executors only
 * through the job jar ({@code spark.jars}), as on any cluster.
 *
 * <p>Closing stops the workers, their executors and the master.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  /**
   * The system property naming the class-path file of a Spark installation's jars, which the adlake
   * launcher sets (adlake-spark-dist's {@code target/spark.classpath}).
   */
  public static final String SPARK_CLASSPATH_PROPERTY = "adlake.spark-classpath";

  /**
   * The cluster's shape.
   *
   * @param directory where the Spark home, the workers' folders and the logs go
   * @param sparkJars the jars of a Spark installation (Spark, Scala, Hadoop's client)
   * @param workers how many workers
   * @param coresPerWorker cores each worker offers
   * @param memoryPerWorker memory each worker offers its executors, e.g. {@code 2g}
   */
  public record Shape(
      Path directory,
      List<Path> sparkJars,
      int workers,
      int coresPerWorker,
      String memoryPerWorker) {
    public Shape {
      requireNonNull(directory, "directory is null");
      sparkJars = List.copyOf(sparkJars);
      if (workers < 1 || coresPerWorker < 1) {
        throw new IllegalArgumentException("A cluster needs at least one worker with one core");
      }
    }
  }

  private final Shape shape;
  private final String masterUrl;
  private final List<Process> processes;

  private StandaloneCluster(Shape shape, String masterUrl, List<Process> processes) {
    this.shape = shape;
    this.masterUrl = masterUrl;
    this.processes = processes;
  }

  /**
   * The jars listed in a class-path file (as {@code dependency:build-classpath} writes it).
   *
   * @throws InvalidInputException when the file is missing, saying how to build it
   */
  public static List<Path> jarsOf(Path classpathFile) {
    if (!Files.isRegularFile(classpathFile)) {
      throw new InvalidInputException(
          "%s does not exist: build it with './mvnw -pl adlake-spark-dist package' (./adlake builds it too)"
              .formatted(classpathFile));
    }
    try {
      String text = Files.readString(classpathFile).strip();
      return Arrays.stream(text.split(java.io.File.pathSeparator))
          .filter(entry -> !entry.isBlank())
          .map(Path::of)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The jars of the Spark installation the launcher names ({@value #SPARK_CLASSPATH_PROPERTY}).
   *
   * @param purpose what needs them, for the error when they are not named
   * @throws InvalidInputException when the property is not set or its file is missing
   */
  public static List<Path> installedSparkJars(String purpose) {
    String file = System.getProperty(SPARK_CLASSPATH_PROPERTY);
    if (file == null) {
      throw new InvalidInputException(
          "%s needs the jars of a Spark installation: run it through ./adlake, which names them"
                  .formatted(purpose)
              + " (-D"
              + SPARK_CLASSPATH_PROPERTY
              + ")");
    }
    return jarsOf(Path.of(file));
  }

  /**
   * Starts the master and the workers and waits until every worker has registered.
   *
   * @param progress told what starts
   * @throws ExternalFailureException when a process does not come up, with its log's location
   */
  public static StandaloneCluster start(Shape shape, Consumer<String> progress) {
    List<Process> processes = new ArrayList<>();
    try {
      Path home = sparkHome(shape);
      int port = LoopbackPorts.free();
      int webPort = LoopbackPorts.free();
      String masterUrl = "spark://%s:%d".formatted(HOST, port);
      progress.accept("Starting a Spark master at " + masterUrl);
      processes.add(
          launch(
              shape,
              home,
              "master",
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  HOST,
                  "--port",
                  String.valueOf(port),
                  "--webui-port",
                  String.valueOf(webPort))));
      for (int worker = 1; worker <= shape.workers(); worker++) {
        Path workDirectory = shape.directory().resolve("worker-" + worker);
        Files.createDirectories(workDirectory);
        processes.add(
            launch(
                shape,
                home,
                "worker-" + worker,
                List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    HOST,
                    "--cores",
                    String.valueOf(shape.coresPerWorker()),
                    "--memory",
                    shape.memoryPerWorker(),
                    "--webui-port",
                    String.valueOf(LoopbackPorts.free()),
                    "--work-dir",
                    workDirectory.toString(),
                    masterUrl)));
      }
      progress.accept(
          "Waiting for %d worker(s) of %d core(s) each"
              .formatted(shape.workers(), shape.coresPerWorker()));
      awaitWorkers(shape, webPort, processes);
      return new StandaloneCluster(shape, masterUrl, processes);
    } catch (IOException | RuntimeException e) {
      processes.forEach(process -> ChildProcesses.stop(process, STOP_GRACE));
      if (e instanceof ExternalFailureException failure) {
        throw failure;
      }
      throw new ExternalFailureException(
          "Could not start the Spark cluster in %s: %s"
              .formatted(shape.directory(), e.getMessage()),
          e);
    }
  }

  /** The master's URL, for {@code spark.master}. */
  public String masterUrl() {
    return masterUrl;
  }

  /** Where the master's and the workers' logs are. */
  public Path logDirectory() {
    return shape.directory().resolve("logs");
  }

  @Override
  public void close() {
    // Workers first (with their executors), then the master.
    for (int index = processes.size() - 1; index >= 0; index--) {
      ChildProcesses.stop(processes.get(index), STOP_GRACE);
    }
  }

  /** A Spark home whose jars/ links the installation's jars, as a Spark distribution has them. */
  private static Path sparkHome(Shape shape) throws IOException {
    Path home = shape.directory().resolve("spark-home");
    Path jars = home.resolve("jars");
    dev.adlake.core.Folders.delete(jars);
    Files.createDirectories(jars);
    Files.createDirectories(home.resolve("conf"));
    for (Path jar : shape.sparkJars()) {
      if (!Files.isRegularFile(jar)) {
        throw new InvalidInputException("A jar of the Spark installation is missing: " + jar);
      }
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
    Files.writeString(
        home.resolve("conf").resolve("log4j2.properties"),
        """
        rootLogger.level = warn
        rootLogger.appenderRef.stdout.ref = console
        appender.console.type = Console
        appender.console.name = console
        appender.console.target = SYSTEM_ERR
        appender.console.layout.type = PatternLayout
        appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
        logger.deploy.name = org.apache.spark.deploy
        logger.deploy.level = info
        """);
    return home;
  }

  private static Process launch(Shape shape, Path home, String name, List<String> arguments)
      throws IOException {
    Path logs = shape.directory().resolve("logs");
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx512m");
    command.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
    command.add("-Dlog4j.configurationFile=" + home.resolve("conf").resolve("log4j2.properties"));
    command.add("-cp");
    command.add(home.resolve("conf") + java.io.File.pathSeparator + home.resolve("jars") + "/*");
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
    builder.environment().put("SPARK_HOME", home.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", HOST);
    builder.environment().put("SPARK_CONF_DIR", home.resolve("conf").toString());
    return builder.start();
  }

  private static void awaitWorkers(Shape shape, int webPort, List<Process> processes) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI status = URI.create("http://%s:%d/json/".formatted(HOST, webPort));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    ObjectMapper json = new ObjectMapper();
    int alive = 0;
    while (System.nanoTime() < deadline) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new ExternalFailureException(
              "A Spark cluster process ended at start (exit %d); see the logs in %s"
                  .formatted(process.exitValue(), shape.directory().resolve("logs")),
              null);
        }
      }
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = json.readTree(response.body());
        alive = body.path("aliveworkers").asInt(0);
        if (alive >= shape.workers()) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExternalFailureException("Interrupted while the Spark cluster started", e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExternalFailureException("Interrupted while the Spark cluster started", e);
      }
    }
    throw new ExternalFailureException(
        "%d of %d Spark worker(s) registered within %d s; see the logs in %s"
            .formatted(
                alive,
                shape.workers(),
                START_TIMEOUT.toSeconds(),
                shape.directory().resolve("logs")),
        null);
  }
}
