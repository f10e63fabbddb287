package dev.adlake.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The job and its parameters, as {@code run} and {@code submit} take them. */
final class JobArguments {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job's name (see 'adlake jobs')")
  String job;

  @Option(
      names = {"-p", "--parameter"},
      paramLabel = "NAME=VALUE",
      description = "A job parameter; repeatable")
  Map<String, String> parameters = new LinkedHashMap<>();
}
