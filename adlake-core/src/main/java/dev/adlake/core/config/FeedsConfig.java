package dev.adlake.core.config;

import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.core.feed.Feed;
import dev.adlake.core.feed.FeedSchema;
import dev.adlake.core.feed.FeedTopic;
import dev.adlake.core.feed.FileFormat;
import dev.adlake.core.feed.LoadMode;
import dev.adlake.core.feed.SchemaEvolution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The feeds declared under {@code feeds.<name>.<property>}; when none are, the built-in feeds of
 * the generated data.
 */
final class FeedsConfig {
  static final String PREFIX = "feeds.";
  private static final Set<String> PROPERTIES =
      Set.of(
          "prefix",
          "format",
          "schema",
          "evolution",
          "table",
          "event-time",
          "mode",
          "header",
          "key",
          "max-reject-ratio",
          "topic",
          "flush-records",
          "flush-minutes");

  /** One raw value: its text and where it came from. */
  record Given(String text, String origin) {}

  private FeedsConfig() {}

  static List<Feed> parse(
      Map<String, Given> given, double defaultMaxRejectRatio, List<ConfigProblem> problems) {
    if (given.isEmpty()) {
      return BuiltInFeeds.all(defaultMaxRejectRatio);
    }
    Map<String, Map<String, Given>> byFeed = new LinkedHashMap<>();
    for (Map.Entry<String, Given> entry : given.entrySet()) {
      String rest = entry.getKey().substring(PREFIX.length());
      int dot = rest.lastIndexOf('.');
      if (dot <= 0 || !PROPERTIES.contains(rest.substring(dot + 1))) {
        problems.add(
            new ConfigProblem(
                entry.getKey(),
                entry.getValue().text(),
                entry.getValue().origin(),
                "unknown feed property; a feed has "
                    + String.join(", ", PROPERTIES.stream().sorted().toList())));
        continue;
      }
      byFeed
          .computeIfAbsent(rest.substring(0, dot), name -> new LinkedHashMap<>())
          .put(rest.substring(dot + 1), entry.getValue());
    }
    List<Feed> feeds = new ArrayList<>();
    for (Map.Entry<String, Map<String, Given>> feed : byFeed.entrySet()) {
      parseFeed(feed.getKey(), feed.getValue(), defaultMaxRejectRatio, problems)
          .ifPresent(feeds::add);
    }
    return feeds;
  }

  private static Optional<Feed> parseFeed(
      String name,
      Map<String, Given> properties,
      double defaultRatio,
      List<ConfigProblem> problems) {
    int before = problems.size();
    String key = PREFIX + name + ".";
    if (!name.matches("[a-z][a-z0-9-]*")) {
      problems.add(
          new ConfigProblem(
              key.substring(0, key.length() - 1),
              null,
              null,
              "a feed name must be lower case words joined by '-'"));
    }
    Given prefix = properties.get("prefix");
    Given format = properties.get("format");
    if (prefix == null) {
      problems.add(
          new ConfigProblem(
              key + "prefix", null, null, "is required: the folder under the landing zone"));
    }
    if (format == null) {
      problems.add(
          new ConfigProblem(
              key + "format", null, null, "is required: tsv, csv, json, avro or parquet"));
    }
    FileFormat fileFormat = enumValue(key + "format", format, FileFormat.class, null, problems);
    LoadMode mode =
        enumValue(key + "mode", properties.get("mode"), LoadMode.class, LoadMode.APPEND, problems);
    SchemaEvolution evolution =
        enumValue(
            key + "evolution",
            properties.get("evolution"),
            SchemaEvolution.class,
            SchemaEvolution.ADD_COLUMNS,
            problems);
    Optional<FeedSchema> schema = Optional.empty();
    Given schemaText = properties.get("schema");
    if (schemaText != null && !schemaText.text().equalsIgnoreCase("infer")) {
      try {
        schema = Optional.of(FeedSchema.parse(schemaText.text()));
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                key + "schema",
                schemaText.text(),
                schemaText.origin(),
                "must be 'name type [not null], ...': " + e.getMessage()));
      }
    }
    boolean header = fileFormat == FileFormat.CSV;
    Given headerText = properties.get("header");
    if (headerText != null) {
      try {
        header = ValueType.bool().parse(headerText.text());
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                key + "header", headerText.text(), headerText.origin(), "must be true or false"));
      }
    }
    double ratio = defaultRatio;
    Given ratioText = properties.get("max-reject-ratio");
    if (ratioText != null) {
      try {
        ratio = ValueType.ratio().parse(ratioText.text());
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                key + "max-reject-ratio",
                ratioText.text(),
                ratioText.origin(),
                "must be a decimal from 0 to 1"));
      }
    }
    List<String> keyColumns =
        properties.containsKey("key")
            ? Arrays.stream(properties.get("key").text().split(",")).map(String::trim).toList()
            : List.of();
    Optional<String> eventTime =
        Optional.ofNullable(properties.get("event-time")).map(given -> given.text().trim());
    if (schema.isPresent() && eventTime.isPresent() && schema.get().indexOf(eventTime.get()) < 0) {
      problems.add(
          new ConfigProblem(
              key + "event-time",
              eventTime.get(),
              properties.get("event-time").origin(),
              "is not a column of the feed's schema"));
    }
    Optional<String> appliesTo =
        Optional.ofNullable(properties.get("applies-to")).map(given -> given.text().trim());
    if (mode == LoadMode.CHANGE_RECORDS && appliesTo.isEmpty()) {
      problems.add(
          new ConfigProblem(
              key + "applies-to",
              null,
              null,
              "is required for change records: the feed whose table the changes update"));
    }
    if (mode == LoadMode.CHANGE_RECORDS && keyColumns.isEmpty()) {
      problems.add(
          new ConfigProblem(
              key + "key",
              null,
              null,
              "is required for change records: the columns that identify a row"));
    }
    Optional<FeedTopic> topic = parseTopic(key, properties, fileFormat, mode, problems);
    if (problems.size() > before) {
      return Optional.empty();
    }
    String table =
        Optional.ofNullable(properties.get("table"))
            .map(Given::text)
            .orElseGet(() -> Feed.tableNameFor("raw", prefix.text()));
    if (!table.matches("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*")) {
      problems.add(
          new ConfigProblem(key + "table", table, null, "must be namespace.table in lower case"));
      return Optional.empty();
    }
    return Optional.of(
        new Feed(
            name,
            prefix.text(),
            fileFormat,
            schema,
            evolution,
            table,
            eventTime,
            mode,
            header,
            keyColumns,
            appliesTo,
            ratio,
            topic));
  }

  /**
   * The topic a feed is batched from, when it names one. Its files are JSON lines of the record
   * values, appended, so a rewritten file replaces the rows of the earlier version.
   */
  private static Optional<FeedTopic> parseTopic(
      String key,
      Map<String, Given> properties,
      FileFormat format,
      LoadMode mode,
      List<ConfigProblem> problems) {
    Given topic = properties.get("topic");
    Given records = properties.get("flush-records");
    Given minutes = properties.get("flush-minutes");
    if (topic == null) {
      for (Given flush : Arrays.asList(records, minutes)) {
        if (flush != null) {
          problems.add(
              new ConfigProblem(
                  key + (flush == records ? "flush-records" : "flush-minutes"),
                  flush.text(),
                  flush.origin(),
                  "applies only to a feed with a topic (" + key + "topic)"));
        }
      }
      return Optional.empty();
    }
    int before = problems.size();
    String name = topic.text().trim();
    try {
      ValueType.topicName().parse(name);
    } catch (IllegalArgumentException e) {
      problems.add(
          new ConfigProblem(key + "topic", topic.text(), topic.origin(), "must be a topic name"));
    }
    if (format != null && format != FileFormat.JSON) {
      problems.add(
          new ConfigProblem(
              key + "format",
              format.name().toLowerCase(Locale.ROOT),
              topic.origin(),
              "must be json for a feed batched from a topic: its files are JSON lines of the"
                  + " record values"));
    }
    if (mode != LoadMode.APPEND) {
      problems.add(
          new ConfigProblem(
              key + "mode",
              mode.name().toLowerCase(Locale.ROOT).replace('_', '-'),
              topic.origin(),
              "must be append for a feed batched from a topic"));
    }
    int flushRecords =
        flushLimit(
            key + "flush-records", records, FeedTopic.DEFAULT_FLUSH_RECORDS, 10_000_000, problems);
    int flushMinutes =
        flushLimit(
            key + "flush-minutes", minutes, FeedTopic.DEFAULT_FLUSH_MINUTES, 10_080, problems);
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new FeedTopic(name, flushRecords, flushMinutes));
  }

  private static int flushLimit(
      String key, Given given, int fallback, int max, List<ConfigProblem> problems) {
    if (given == null) {
      return fallback;
    }
    ValueType<Integer> type = ValueType.integer(1, max);
    try {
      return type.parse(given.text());
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem(key, given.text(), given.origin(), "must be " + type.rule()));
      return fallback;
    }
  }

  private static <E extends Enum<E>> E enumValue(
      String key, Given given, Class<E> type, E fallback, List<ConfigProblem> problems) {
    if (given == null) {
      return fallback;
    }
    String constant = given.text().trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return Enum.valueOf(type, constant);
    } catch (IllegalArgumentException e) {
      List<String> choices =
          Arrays.stream(type.getEnumConstants())
              .map(value -> value.name().toLowerCase(Locale.ROOT).replace('_', '-'))
              .toList();
      problems.add(
          new ConfigProblem(
              key, given.text(), given.origin(), "must be one of " + String.join(", ", choices)));
      return fallback;
    }
  }
}
