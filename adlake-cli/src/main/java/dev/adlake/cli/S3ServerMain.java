package dev.adlake.cli;

import com.robothy.s3.rest.LocalS3;
import com.robothy.s3.rest.bootstrap.LocalS3Mode;

/**
 * The S3 server of {@code quickstart --cluster} as a process of its own (LocalS3, objects kept in a
 * folder), so that what it prints goes to its log and not to the quickstart's console. Arguments:
 * the port and the data folder. It runs until killed.
 */
public final class S3ServerMain {
  private S3ServerMain() {}

  public static void main(String[] arguments) throws InterruptedException {
    if (arguments.length != 2) {
      System.err.println("Usage: S3ServerMain PORT DATA_FOLDER");
      System.exit(2);
    }
    LocalS3 server =
        LocalS3.builder()
            .port(Integer.parseInt(arguments[0]))
            .mode(LocalS3Mode.PERSISTENCE)
            .dataPath(arguments[1])
            .build();
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "s3-stop"));
    Thread.currentThread().join();
  }
}
