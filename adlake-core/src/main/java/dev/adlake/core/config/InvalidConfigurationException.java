package dev.adlake.core.config;

import dev.adlake.core.InvalidInputException;
import java.util.List;
import java.util.stream.Collectors;

/** The configuration breaks one or more rules; every problem found is listed at once. */
public class InvalidConfigurationException extends InvalidInputException {
  private final List<ConfigProblem> problems;

  public InvalidConfigurationException(List<ConfigProblem> problems) {
    super(
        "Invalid configuration, %d problem%s:%n%s"
            .formatted(
                problems.size(),
                problems.size() == 1 ? "" : "s",
                problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"))));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
