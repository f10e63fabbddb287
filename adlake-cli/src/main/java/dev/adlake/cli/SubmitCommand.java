package dev.adlake.cli;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.spark.LakeSession;
import dev.adlake.spark.Platform;
import dev.adlake.spark.cluster.StandaloneCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.launcher.JavaModuleOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code adlake submit JOB}: runs one job through spark-submit on the configured cluster, the
 * driver being adlake's job jar, so the run is the same as {@code adlake run JOB} but on the
 * cluster's terms (client or cluster deploy mode).
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Run one job through spark-submit on the cluster of spark.master.",
      "",
      "The driver is adlake-job.jar's main class running 'adlake run JOB' with the same",
      "configuration file; Spark, Scala and Hadoop come from the cluster. Uses",
      "$SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else Spark's own SparkSubmit",
      "class on the jars adlake was built with. Needs metadata.jdbc-url and, for stream",
      "jobs, kafka.bootstrap-servers: a submitted driver starts no embedded service."
    },
    footer = {
      "",
      "Examples:",
      "  adlake --config prod.yaml submit user-ids-mapper",
      "  adlake --config prod.yaml submit ad-metrics --deploy-mode cluster",
      "  adlake --config prod.yaml submit ingest-adserver-events --print"
    })
final class SubmitCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Mixin JobArguments target;

  @Option(
      names = "--deploy-mode",
      defaultValue = "client",
      description =
          "client: the driver runs here; cluster: on a worker, which must reach the"
              + " configuration file at the same path (default: ${DEFAULT-VALUE})")
  String deployMode;

  @Option(names = "--print", description = "Print the spark-submit command line, do not run it")
  boolean print;

  @Override
  public Integer call() throws IOException, InterruptedException {
    AdlakeConfig config = root.loadConfig();
    Console console = new Console(spec.commandLine().getOut(), System.console() != null);
    if (!deployMode.equals("client") && !deployMode.equals("cluster")) {
      throw new InvalidInputException(
          "--deploy-mode is '%s': use client or cluster".formatted(deployMode));
    }
    String master = config.spark().master();
    if (master.startsWith("local")) {
      throw new InvalidInputException(
          ("spark.master is %s: submit sends a job to a cluster (spark://, yarn or k8s://); run"
                  + " it here with 'adlake run %s'")
              .formatted(master, target.job));
    }
    Platform.catalog(config).get(target.job);
    if (config.metadata().jdbcUrl().isEmpty()) {
      throw new InvalidInputException(
          "Set metadata.jdbc-url: a submitted driver uses the platform's PostgreSQL and starts"
              + " no embedded one");
    }

    List<String> arguments = new ArrayList<>();
    arguments.addAll(List.of("--master", master, "--deploy-mode", deployMode));
    arguments.addAll(List.of("--name", "adlake " + target.job));
    arguments.addAll(List.of("--class", AdlakeCommand.class.getName()));
    config
        .spark()
        .properties()
        .forEach((name, value) -> arguments.addAll(List.of("--conf", name + "=" + value)));
    arguments.add(LakeSession.jobJar(config).toString());
    arguments.addAll(List.of("--home", config.home().toString()));
    if (root.configFile != null) {
      arguments.addAll(List.of("--config", root.configFile.toAbsolutePath().toString()));
    }
    root.overrides.forEach((name, value) -> arguments.addAll(List.of("--set", name + "=" + value)));
    arguments.addAll(List.of("run", target.job));
    target.parameters.forEach((name, value) -> arguments.addAll(List.of("-p", name + "=" + value)));

    console.line(
        "spark-submit %s",
        arguments.stream().map(SubmitCommand::quoted).collect(Collectors.joining(" ")));
    if (print) {
      return 0;
    }
    List<String> command = new ArrayList<>();
    String sparkHome = System.getenv("SPARK_HOME");
    if (sparkHome != null && Files.isExecutable(Path.of(sparkHome, "bin", "spark-submit"))) {
      command.add(Path.of(sparkHome, "bin", "spark-submit").toString());
    } else {
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
      command.add("-cp");
      command.add(
          StandaloneCluster.installedSparkJars("submit without SPARK_HOME").stream()
              .map(Path::toString)
              .collect(Collectors.joining(File.pathSeparator)));
      command.add("org.apache.spark.deploy.SparkSubmit");
    }
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).inheritIO().start();
    int exit = process.waitFor();
    if (exit == 0) {
      console.line("spark-submit ended: %s succeeded", target.job);
    } else {
      console.line(
          "spark-submit ended with exit %d for %s; see its output above", exit, target.job);
    }
    return exit;
  }

  private static String quoted(String argument) {
    return argument.matches("[A-Za-z0-9_./:=@,+-]+") ? argument : "'" + argument + "'";
  }
}
