package dev.adlake.kafka;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.LoopbackPorts;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one), running inside this JVM
 * on 127.0.0.1. Its log directory is formatted on first use and reused afterwards, so topics and
 * messages survive a restart.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final KafkaRaftServer server;
  private final int port;
  private final Path logDirectory;

  private EmbeddedKafkaBroker(KafkaRaftServer server, int port, Path logDirectory) {
    this.server = server;
    this.port = port;
    this.logDirectory = logDirectory;
  }

  /**
   * Formats the log directory if it is new, then starts the broker.
   *
   * @param port the client port, 0 for any free one
   */
  public static EmbeddedKafkaBroker start(Path logDirectory, int port) {
    try {
      Files.createDirectories(logDirectory);
      int clientPort = port == 0 ? LoopbackPorts.free() : port;
      int controllerPort = LoopbackPorts.free();
      Properties properties = new Properties();
      properties.put("process.roles", "broker,controller");
      properties.put("node.id", String.valueOf(NODE_ID));
      properties.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
      properties.put(
          "listeners",
          "PLAINTEXT://127.0.0.1:%d,%s://127.0.0.1:%d"
              .formatted(clientPort, CONTROLLER_LISTENER, controllerPort));
      properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
      properties.put("controller.listener.names", CONTROLLER_LISTENER);
      properties.put(
          "listener.security.protocol.map",
          "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
      properties.put("inter.broker.listener.name", "PLAINTEXT");
      properties.put("log.dirs", logDirectory.toString());
      properties.put("num.partitions", "1");
      properties.put("offsets.topic.replication.factor", "1");
      properties.put("offsets.topic.num.partitions", "4");
      properties.put("transaction.state.log.replication.factor", "1");
      properties.put("transaction.state.log.min.isr", "1");
      properties.put("transaction.state.log.num.partitions", "4");
      properties.put("share.coordinator.state.topic.replication.factor", "1");
      properties.put("share.coordinator.state.topic.min.isr", "1");
      properties.put("group.initial.rebalance.delay.ms", "0");
      properties.put("auto.create.topics.enable", "false");

      if (!Files.exists(logDirectory.resolve("meta.properties"))) {
        format(logDirectory);
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties), Time.SYSTEM);
      server.startup();
      LOG.info("Started Kafka on 127.0.0.1:{} with logs in {}", clientPort, logDirectory);
      return new EmbeddedKafkaBroker(server, clientPort, logDirectory);
    } catch (Exception e) {
      throw new ExternalFailureException(
          "Cannot start the embedded Kafka broker in %s: %s"
              .formatted(logDirectory, e.getMessage()),
          e);
    }
  }

  private static void format(Path logDirectory) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(NODE_ID)
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setControllerListenerName(CONTROLLER_LISTENER)
        .setMetadataLogDirectory(logDirectory.toString())
        .setDirectories(List.of(logDirectory.toString()))
        .run();
  }

  /** The bootstrap servers clients connect to. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path logDirectory() {
    return logDirectory;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Stopped Kafka on 127.0.0.1:{}", port);
  }
}
