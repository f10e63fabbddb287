package dev.adlake.core.job;

import dev.adlake.core.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The validated parameters of one run: every declared parameter given or defaulted. */
public final class JobParameters {
  private final Map<String, Object> values;
  private final Map<String, String> texts;

  private JobParameters(Map<String, Object> values, Map<String, String> texts) {
    this.values = values;
    this.texts = texts;
  }

  /**
   * Validates the given texts against the job's declared parameters.
   *
   * @throws InvalidInputException naming every unknown, missing or invalid parameter
   */
  public static JobParameters resolve(JobDefinition job, Map<String, String> given) {
    Map<String, JobParameter<?>> declared = new LinkedHashMap<>();
    job.parameters().forEach(parameter -> declared.put(parameter.name(), parameter));
    List<String> problems =
        given.keySet().stream()
            .filter(name -> !declared.containsKey(name))
            .map(
                name ->
                    "unknown parameter '%s' (job %s accepts: %s)"
                        .formatted(
                            name,
                            job.name(),
                            declared.isEmpty() ? "none" : String.join(", ", declared.keySet())))
            .collect(Collectors.toList());
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> texts = new LinkedHashMap<>();
    for (JobParameter<?> parameter : declared.values()) {
      String text = given.getOrDefault(parameter.name(), parameter.defaultText());
      if (text == null) {
        if (parameter.required()) {
          problems.add("parameter '%s' is required".formatted(parameter.name()));
        }
        continue;
      }
      try {
        values.put(parameter.name(), parameter.type().parse(text));
        texts.put(parameter.name(), text);
      } catch (IllegalArgumentException e) {
        problems.add(
            "parameter '%s' = '%s' must be %s"
                .formatted(parameter.name(), text, parameter.type().rule()));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(
          "Cannot run job %s: %s".formatted(job.name(), String.join("; ", problems)));
    }
    return new JobParameters(
        Collections.unmodifiableMap(values), Collections.unmodifiableMap(texts));
  }

  @SuppressWarnings("unchecked")
  public <T> T get(JobParameter<T> parameter) {
    return (T) values.get(parameter.name());
  }

  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(JobParameter<T> parameter) {
    return Optional.ofNullable((T) values.get(parameter.name()));
  }

  /** The parameters as text, as recorded with the run. */
  public Map<String, String> asText() {
    return texts;
  }
}
