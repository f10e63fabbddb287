package dev.adlake.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An adlake command in a child JVM on the test's class path, its output appended to a log: what the
 * process tests kill, rerun and read.
 */
final class AdlakeProcess {
  private AdlakeProcess() {}

  /**
   * @param log the file the command's output and errors are appended to
   * @param heap the child's -Xmx, e.g. "1g"
   * @param jvmFlags more JVM flags, e.g. a crash point's system property
   * @param args the adlake command line
   */
  static Process start(Path log, String heap, List<String> jvmFlags, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("@" + Path.of("..", "jvm.options").toAbsolutePath().normalize());
    command.add("-Xmx" + heap);
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AdlakeCommand.class.getName());
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}
