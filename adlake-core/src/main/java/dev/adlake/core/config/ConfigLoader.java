package dev.adlake.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.adlake.core.feed.Feed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the configuration from its four sources and validates it, reporting every problem at once.
 *
 * <p>Precedence: command-line flag ({@code --set key=value}) &gt; environment ({@code
 * ADLAKE_METADATA_JDBC_URL}) &gt; file ({@code adlake.yaml}) &gt; default. The home folder comes
 * from {@code --home}, then {@code ADLAKE_HOME}, then {@code ./.adlake}; the file from {@code
 * --config}, then {@code ADLAKE_CONFIG}, then {@code ./adlake.yaml} when it exists.
 */
public final class ConfigLoader {
  public static final String HOME_VARIABLE = "ADLAKE_HOME";
  public static final String CONFIG_VARIABLE = "ADLAKE_CONFIG";
  public static final String DEFAULT_FILE_NAME = "adlake.yaml";
  public static final Path DEFAULT_HOME = Path.of(".adlake");

  /** Environment variables of the launcher, not configuration keys. */
  private static final Set<String> LAUNCHER_VARIABLES =
      Set.of(HOME_VARIABLE, CONFIG_VARIABLE, "ADLAKE_JAVA_OPTS", "ADLAKE_REBUILD");

  private record Raw(String text, ConfigSource source, String origin) {}

  /**
   * What to load from.
   *
   * @param home the {@code --home} flag, if given
   * @param file the {@code --config} flag, if given
   * @param environment the process environment (only {@code ADLAKE_*} variables are read)
   * @param overrides {@code --set key=value} flags
   * @param workingDirectory where relative paths and {@code ./adlake.yaml} are looked up
   */
  public record Request(
      Optional<Path> home,
      Optional<Path> file,
      Map<String, String> environment,
      Map<String, String> overrides,
      Path workingDirectory) {

    public static Request fromProcess(
        Optional<Path> home, Optional<Path> file, Map<String, String> overrides) {
      return new Request(home, file, System.getenv(), overrides, Path.of("").toAbsolutePath());
    }
  }

  private ConfigLoader() {}

  /**
   * Loads and validates the configuration.
   *
   * @throws InvalidConfigurationException listing every problem found
   */
  public static AdlakeConfig load(Request request) {
    List<ConfigProblem> problems = new ArrayList<>();
    Path workingDirectory = request.workingDirectory();

    Path home =
        request
            .home()
            .or(() -> Optional.ofNullable(request.environment().get(HOME_VARIABLE)).map(Path::of))
            .orElse(DEFAULT_HOME);
    home = workingDirectory.resolve(home).normalize();

    Optional<Path> file =
        request
            .file()
            .or(
                () ->
                    Optional.ofNullable(request.environment().get(CONFIG_VARIABLE)).map(Path::of));
    boolean fileNamed = file.isPresent();
    Path configFile = workingDirectory.resolve(file.orElse(Path.of(DEFAULT_FILE_NAME))).normalize();

    Map<String, Raw> fileValues = new LinkedHashMap<>();
    if (Files.isRegularFile(configFile)) {
      readYaml(configFile, fileValues, problems);
    } else if (fileNamed) {
      problems.add(
          new ConfigProblem(
              "--config", configFile.toString(), null, "the configuration file does not exist"));
    }

    List<ConfigKey<?>> declared = AdlakeConfig.declaredKeys();
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    declared.forEach(key -> byName.put(key.name(), key));
    Map<String, ConfigKey<?>> byVariable = new LinkedHashMap<>();
    declared.forEach(key -> byVariable.put(key.environmentVariable(), key));

    Map<String, Raw> environmentValues = new LinkedHashMap<>();
    for (Map.Entry<String, String> variable : new TreeMap<>(request.environment()).entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith("ADLAKE_") || LAUNCHER_VARIABLES.contains(name)) {
        continue;
      }
      ConfigKey<?> key = byVariable.get(name);
      if (key == null) {
        problems.add(
            new ConfigProblem(
                name,
                printable(variable.getValue(), closest(name, byVariable)),
                "environment",
                "unknown environment variable" + suggestion(name, byVariable.keySet())));
      } else {
        environmentValues.put(
            key.name(), new Raw(variable.getValue(), ConfigSource.ENVIRONMENT, "environment"));
      }
    }

    Map<String, Raw> flagValues = new LinkedHashMap<>();
    request
        .overrides()
        .forEach(
            (name, text) ->
                flagValues.put(name, new Raw(text, ConfigSource.COMMAND_LINE, "--set")));

    Map<String, Raw> given = new LinkedHashMap<>(fileValues);
    given.putAll(environmentValues);
    given.putAll(flagValues);

    TreeMap<String, ConfigValues.Resolved> sparkConf = new TreeMap<>();
    Map<String, FeedsConfig.Given> feedValues = new LinkedHashMap<>();
    Map<String, FeedsConfig.Given> schedulingValues = new LinkedHashMap<>();
    for (Map.Entry<String, Raw> entry : given.entrySet()) {
      String name = entry.getKey();
      Raw raw = entry.getValue();
      if (name.startsWith(FeedsConfig.PREFIX)) {
        feedValues.put(name, new FeedsConfig.Given(raw.text(), raw.origin()));
      } else if (SchedulerConfig.isDynamic(name) || MaintenanceConfig.isDynamic(name)) {
        schedulingValues.put(name, new FeedsConfig.Given(raw.text(), raw.origin()));
      } else if (name.startsWith(SparkConfig.PROPERTIES_PREFIX)
          && name.length() > SparkConfig.PROPERTIES_PREFIX.length()) {
        sparkConf.put(
            name.substring(SparkConfig.PROPERTIES_PREFIX.length()),
            new ConfigValues.Resolved(raw.text(), raw.text(), raw.source(), raw.origin()));
      } else if (!byName.containsKey(name)) {
        problems.add(
            new ConfigProblem(
                name,
                printable(raw.text(), closest(name, byName)),
                raw.origin(),
                "unknown key" + suggestion(name, byName.keySet())));
      }
    }

    Map<String, ConfigValues.Resolved> resolved = new LinkedHashMap<>();
    for (ConfigKey<?> key : declared) {
      Raw raw = given.get(key.name());
      if (raw == null && key.defaultText() == null) {
        continue;
      }
      if (raw == null) {
        String text = key.defaultText().replace("${home}", home.toString());
        raw = new Raw(text, ConfigSource.DEFAULT, "default");
      }
      try {
        Object value = key.type().parse(raw.text());
        resolved.put(
            key.name(), new ConfigValues.Resolved(value, raw.text(), raw.source(), raw.origin()));
      } catch (IllegalArgumentException e) {
        String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
        problems.add(
            new ConfigProblem(
                key.name(),
                key.printable(raw.text()),
                raw.origin(),
                "must be " + key.type().rule() + detail));
      }
    }

    double maxRejectRatio =
        resolved.containsKey(IngestConfig.MAX_REJECT_RATIO.name())
            ? (Double) resolved.get(IngestConfig.MAX_REJECT_RATIO.name()).value()
            : 0.05;
    List<Feed> feeds = FeedsConfig.parse(feedValues, maxRejectRatio, problems);
    ConfigValues.Resolved discovery = resolved.get(IngestConfig.DISCOVERY.name());
    if (discovery != null
        && "sqs".equals(discovery.value())
        && !resolved.containsKey(IngestConfig.SQS_QUEUE_URL.name())) {
      problems.add(
          new ConfigProblem(
              IngestConfig.SQS_QUEUE_URL.name(),
              null,
              null,
              "is required with ingest.discovery: sqs"));
    }

    MapperConfig.checkRedirectPartners(resolved, problems);
    ConfigValues values = new ConfigValues(resolved, sparkConf);
    SchedulerConfig scheduler = SchedulerConfig.from(values, schedulingValues, problems);
    MaintenanceConfig maintenance = MaintenanceConfig.from(values, schedulingValues, problems);

    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return AdlakeConfig.from(
        home,
        Files.isRegularFile(configFile) ? configFile : null,
        values,
        feeds,
        scheduler,
        maintenance);
  }

  /** Flattens a YAML mapping into dotted keys; lists become comma-separated text. */
  private static void readYaml(Path file, Map<String, Raw> into, List<ConfigProblem> problems) {
    String fileName = file.getFileName().toString();
    try (JsonParser parser = new YAMLFactory().createParser(file.toFile())) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return;
      }
      if (first != JsonToken.START_OBJECT) {
        problems.add(
            new ConfigProblem(
                file.toString(), null, null, "the file must hold a mapping of keys to values"));
        return;
      }
      Deque<String> path = new ArrayDeque<>();
      String field = null;
      List<String> list = null;
      int listLine = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case FIELD_NAME -> field = parser.currentName();
          case START_OBJECT -> {
            path.addLast(field);
            field = null;
          }
          case END_OBJECT -> {
            if (!path.isEmpty()) {
              path.removeLast();
            }
          }
          case START_ARRAY -> {
            list = new ArrayList<>();
            listLine = line(parser.currentTokenLocation());
          }
          case END_ARRAY -> {
            put(into, path, field, String.join(",", list), fileName, listLine);
            list = null;
          }
          default -> {
            if (token.isScalarValue()) {
              String text = token == JsonToken.VALUE_NULL ? "" : parser.getText();
              if (list != null) {
                list.add(text);
              } else {
                put(into, path, field, text, fileName, line(parser.currentTokenLocation()));
              }
            }
          }
        }
      }
    } catch (JsonProcessingException e) {
      problems.add(
          new ConfigProblem(
              file.toString(),
              null,
              "line " + line(e.getLocation()),
              "is not valid YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      problems.add(
          new ConfigProblem(file.toString(), null, null, "cannot be read: " + e.getMessage()));
    }
  }

  private static void put(
      Map<String, Raw> into, Deque<String> path, String field, String text, String file, int line) {
    List<String> parts = new ArrayList<>(path);
    parts.add(field);
    String key = String.join(".", parts);
    into.put(key, new Raw(text, ConfigSource.FILE, file + " line " + line));
  }

  private static int line(JsonLocation location) {
    return location == null ? 0 : location.getLineNr();
  }

  /**
   * The value of an unknown key as a problem may show it: masked when the key is close to a secret
   * one, so that a misspelt password or key is not printed.
   */
  private static String printable(String text, Optional<ConfigKey<?>> closest) {
    return closest.map(key -> key.printable(text)).orElse(text);
  }

  /** The declared key whose name (or variable) is closest to the given one, if close enough. */
  private static Optional<ConfigKey<?>> closest(String name, Map<String, ConfigKey<?>> known) {
    return known.keySet().stream()
        .min(Comparator.comparingInt(candidate -> editDistance(name, candidate)))
        .filter(best -> editDistance(name, best) <= Math.max(2, name.length() / 4))
        .map(known::get);
  }

  /** ", did you mean 'x'?" for the closest known name, when one is close enough. */
  private static String suggestion(String name, Set<String> known) {
    return known.stream()
        .min(Comparator.comparingInt(candidate -> editDistance(name, candidate)))
        .filter(best -> editDistance(name, best) <= Math.max(2, name.length() / 4))
        .map(best -> ", did you mean '" + best + "'?")
        .orElse("");
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
